import SQLKit
import TriageDomain

/// Migration 10: diagnosis jobs ("Diagnose now"), collectors' scopes, and whether a host's
/// reports come from its own push agent (collectors leave such hosts to it).
enum MigrationJobs {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "jobs")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("ticket_id", type: .bigint, .notNull)
            .column("host_id", type: .bigint, .notNull)
            .column("site_id", type: .bigint, .notNull)
            .column("customer_id", type: .bigint, .notNull)
            .column("checks", type: .text, .notNull)
            .column("params", type: .text, .notNull)
            .column("state", type: .text, .notNull)
            .column("requested_by", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            // The number of the current lease (0 before the first); a result names it.
            .column("lease", type: .bigint, .notNull)
            .column("runner", type: .text)
            .column("lease_until", type: .bigint)
            .column("report_id", type: .text)
            .column("failure", type: .text)
            .run()
        try await db.create(index: "jobs_state").on("jobs").column("state").column("id").run()
        try await db.create(index: "jobs_ticket_id").on("jobs").column("ticket_id").run()
        try await db.alter(table: "tokens").column("scope", type: .text).run()
        // Rows so far came from push agents only.
        try await db.raw("ALTER TABLE host_health ADD COLUMN by_agent BIGINT NOT NULL DEFAULT 1").run()
    }
}
