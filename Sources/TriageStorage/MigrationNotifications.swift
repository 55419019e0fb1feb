import SQLKit
import TriageDomain

/// Migration 16: notifications are a person's (docs/notifications.md). The desk's feed of lead
/// escalations and tickets nobody could take becomes, for each active dispatcher and admin, a
/// notification of theirs, already read; each person's choices; the outbox holds mail that
/// belongs to no ticket (a notification, a digest).
enum MigrationNotifications {
    @Sendable static func apply(_ db: any SQLDatabase) async throws {
        try await db.create(table: "notifications_v16")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("user_id", type: .bigint, .notNull)
            .column("kind", type: .text, .notNull)
            .column("ticket_id", type: .bigint, .notNull)
            .column("event_id", type: .bigint)
            .column("at", type: .bigint, .notNull)
            .column("title", type: .text, .notNull)
            .column("severity", type: .bigint, .notNull)
            .column("text", type: .text, .notNull)
            .column("in_app", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("read_at", type: .bigint)
            .column("mail", type: .text, .notNull)
            .column("mail_due_at", type: .bigint)
            .run()
        try await db.raw(
            """
            INSERT INTO notifications_v16 (user_id, kind, ticket_id, at, title, severity, text, in_app, read_at, mail)
            SELECT u.id, CASE n.type WHEN 'lead_escalation' THEN 'escalated' ELSE 'unassignable' END, n.ticket_id, n.at,
                COALESCE(t.title, ''), COALESCE(t.severity, 3),
                CASE n.type WHEN 'lead_escalation' THEN 'Escalated to the lead' ELSE 'Nobody can take it' END,
                TRUE, n.at, 'none'
            FROM notifications n JOIN users u ON u.role IN ('admin', 'dispatcher') AND u.active
            LEFT JOIN tickets t ON t.id = n.ticket_id
            WHERE n.ticket_id IS NOT NULL ORDER BY n.id, u.id
            """
        ).run()
        try await db.drop(table: "notifications").run()
        try await db.raw("ALTER TABLE notifications_v16 RENAME TO notifications").run()
        try await db.create(index: "notifications_user_id").on("notifications").column("user_id").column("id").run()
        try await db.create(index: "notifications_event_id").on("notifications").column("event_id").run()
        try await db.create(index: "notifications_mail_due_at").on("notifications").column("mail_due_at").run()
        try await db.create(table: "notification_settings")
            .column("user_id", type: .bigint, .primaryKey(autoIncrement: false))
            .column("data", type: .text, .notNull)
            .run()
        try await outboxWithoutTicket(db)
        // sqlite-kit writes no AUTOINCREMENT: the new table gets it the way migration 11 gave it to the old ones.
        try await MigrationIds.apply(db)
    }

    /// `outbox.ticket_id` may be NULL: PostgreSQL drops the constraint; SQLite rebuilds the table
    /// (its documented way), keeping every row, id and index.
    private static func outboxWithoutTicket(_ db: any SQLDatabase) async throws {
        guard db.dialect.name == "sqlite" else {
            try await db.raw("ALTER TABLE outbox ALTER COLUMN ticket_id DROP NOT NULL").run()
            return
        }
        let sql = try await db.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").first()
            .map { try $0.decode(column: "sql", as: String.self) }
        guard let sql, let open = sql.firstIndex(of: "("), sql.contains(#""ticket_id" INTEGER NOT NULL"#) else {
            throw CoordinatorError(.storage, "cannot read the schema of the outbox")
        }
        let indexes = try await db.raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL")
            .all().map { try $0.decode(column: "sql", as: String.self) }
        let columns = sql[open...].replacingOccurrences(of: #""ticket_id" INTEGER NOT NULL"#, with: #""ticket_id" INTEGER"#)
        try await db.raw("CREATE TABLE outbox_rebuilt \(unsafeRaw: columns)").run()
        try await db.raw("INSERT INTO outbox_rebuilt SELECT * FROM outbox").run()
        try await db.raw("DROP TABLE outbox").run()
        try await db.raw("ALTER TABLE outbox_rebuilt RENAME TO outbox").run()
        for index in indexes { try await db.raw(SQLQueryString(index)).run() }
    }
}
