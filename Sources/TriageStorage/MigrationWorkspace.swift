import SQLKit
import TriageDomain

/// Migration 9: what the workspace keeps — customers' contacts, found by name, email or phone
/// (its digits), and how far each person has read the news on their tickets.
enum MigrationWorkspace {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "contacts")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("customer_id", type: .bigint, .notNull)
            .column("name", type: .text, .notNull)
            .column("email", type: .text)
            .column("phone", type: .text)
            .column("phone_digits", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        for column in ["customer_id", "email", "phone_digits"] {
            try await db.create(index: "contacts_\(column)").on("contacts").column(column).run()
        }
        try await db.alter(table: "users").column("seen_event_id", type: .bigint).run()
    }
}
