import SQLKit
import TriageDomain

/// Migration 18: Alertmanager's alerts (docs/alertmanager.md) — label values mapped to hosts,
/// the values no host answers to, and each alert's last state by fingerprint.
enum MigrationAlerts {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "alert_host_mappings")
            .column("value", type: .text, .primaryKey(autoIncrement: false))
            .column("host_id", type: .bigint, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(table: "alert_unmapped_hosts")
            .column("value", type: .text, .primaryKey(autoIncrement: false))
            .column("alertname", type: .text, .notNull)
            .column("first_seen", type: .bigint, .notNull)
            .column("last_seen", type: .bigint, .notNull)
            .column("count", type: .bigint, .notNull)
            .run()
        try await db.create(table: "alert_states")
            .column("fingerprint", type: .text, .primaryKey(autoIncrement: false))
            .column("state", type: .text, .notNull)
            .column("host_id", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
    }
}
