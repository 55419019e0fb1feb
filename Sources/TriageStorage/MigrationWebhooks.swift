import SQLKit
import TriageDomain

/// Migration 17: webhook endpoints (their secrets sealed), one delivery per event and endpoint,
/// and each attempt (docs/webhooks.md).
enum MigrationWebhooks {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "webhook_endpoints")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("url", type: .text, .notNull)
            .column("description", type: .text, .notNull)
            .column("events", type: .text, .notNull)
            .column("enabled", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("disabled_reason", type: .text)
            .column("secrets", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await db.create(table: "webhook_deliveries")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("endpoint_id", type: .bigint, .notNull)
            .column("message_id", type: .text, .notNull, .unique)
            .column("type", type: .text, .notNull)
            .column("ticket_id", type: .bigint)
            .column("state", type: .text, .notNull)
            .column("attempts", type: .bigint, .notNull)
            .column("next_attempt_at", type: .bigint, .notNull)
            .column("lease_holder", type: .text)
            .column("lease_until", type: .bigint)
            .column("last_status", type: .bigint)
            .column("last_error", type: .text)
            .column("last_duration_ms", type: .bigint)
            .column("created_at", type: .bigint, .notNull)
            .column("delivered_at", type: .bigint)
            .column("body", type: .blob, .notNull)
            .run()
        try await db.create(index: "webhook_deliveries_due").on("webhook_deliveries").column("state").column("next_attempt_at").run()
        try await db.create(index: "webhook_deliveries_endpoint").on("webhook_deliveries").column("endpoint_id").column("id").run()
        try await db.create(table: "webhook_attempts")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("delivery_id", type: .bigint, .notNull)
            .column("at", type: .bigint, .notNull)
            .column("status", type: .bigint)
            .column("duration_ms", type: .bigint, .notNull)
            .column("error", type: .text)
            .column("holder", type: .text, .notNull)
            .run()
        try await db.create(index: "webhook_attempts_delivery").on("webhook_attempts").column("delivery_id").run()
        // sqlite-kit writes no AUTOINCREMENT: the new tables get it the way migration 11 gave it to the old ones.
        try await MigrationIds.apply(db)
    }
}
