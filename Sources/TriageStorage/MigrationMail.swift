import SQLKit
import TriageDomain

/// Migration 13: the conversation with the customer (docs/mail.md) — a ticket's requester and
/// CCs, contacts whose mail bounces, customers' verified mail domains, every message received kept raw by its SHA-256 with what
/// became of it, the files of messages by their SHA-256, and the outbox.
enum MigrationMail {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.alter(table: "tickets").column("requester_id", type: .bigint).run()
        try await db.raw("ALTER TABLE tickets ADD COLUMN cc TEXT NOT NULL DEFAULT '[]'").run()
        try await db.create(index: "tickets_requester_id").on("tickets").column("requester_id").run()
        try await db.alter(table: "contacts").column("undeliverable", type: .text).run()
        try await db.alter(table: "customers").column("mail_domains", type: .text).run()
        // What arrived, exactly as it arrived: stored before it is read, so nothing acknowledged is lost.
        try await db.create(table: "mail_raw")
            .column("sha256", type: .text, .primaryKey(autoIncrement: false))
            .column("size", type: .bigint, .notNull)
            .column("content", type: .blob, .notNull)
            .column("received_at", type: .bigint, .notNull)
            .run()
        // What each message became, once per Message-ID (or per SHA-256 without one).
        try await db.create(table: "mail_inbound")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("dedupe_key", type: .text, .notNull, .unique)
            .column("sha256", type: .text, .notNull)
            .column("sender", type: .text)
            .column("subject", type: .text, .notNull)
            .column("outcome", type: .text, .notNull)
            .column("detail", type: .text, .notNull)
            .column("ticket_id", type: .bigint)
            .column("received_at", type: .bigint, .notNull)
            .run()
        try await db.create(index: "mail_inbound_outcome").on("mail_inbound").column("outcome").column("id").run()
        try await db.create(table: "files")
            .column("sha256", type: .text, .primaryKey(autoIncrement: false))
            .column("size", type: .bigint, .notNull)
            .column("content", type: .blob, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await db.create(table: "outbox")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("ticket_id", type: .bigint, .notNull)
            .column("event_id", type: .bigint)
            .column("message_id", type: .text, .notNull, .unique)
            .column("kind", type: .text, .notNull)
            .column("envelope_from", type: .text, .notNull)
            .column("recipients", type: .text, .notNull)
            .column("content", type: .blob, .notNull)
            .column("state", type: .text, .notNull)
            .column("attempts", type: .bigint, .notNull)
            .column("next_attempt_at", type: .bigint, .notNull)
            .column("lease_holder", type: .text)
            .column("lease_until", type: .bigint)
            .column("last_error", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("sent_at", type: .bigint)
            .run()
        try await db.create(index: "outbox_state").on("outbox").column("state").column("next_attempt_at").run()
        try await db.create(index: "outbox_ticket_id").on("outbox").column("ticket_id").run()
        // sqlite-kit writes no AUTOINCREMENT: the new tables get it the way migration 11 gave it to the old ones.
        try await MigrationIds.apply(db)
    }
}
