import Foundation
import SQLKit
import TriageDomain

/// People's notifications and their choices (docs/notifications.md).
extension SQLSession {
    private static let notificationColumns = [
        "user_id", "kind", "ticket_id", "event_id", "at", "title", "severity", "text", "in_app", "read_at", "mail", "mail_due_at",
    ]

    private static func notification(_ row: any SQLRow) throws -> TriageDomain.Notification {
        let r = SQLStoredRow(row: row)
        let kindText = try r.required(r.text("kind"), "kind")
        let mailText = try r.required(r.text("mail"), "mail")
        guard let kind = NotificationKind(rawValue: kindText), let mail = TriageDomain.Notification.MailState(rawValue: mailText) else {
            throw CoordinatorError(.storage, "unknown notification kind \(kindText) or mail state \(mailText)")
        }
        return TriageDomain.Notification(
            id: try r.required(r.int("id"), "id"), userId: try r.required(r.int("user_id"), "user_id"), kind: kind,
            ticketId: try r.required(r.int("ticket_id"), "ticket_id"), eventId: try r.int("event_id"),
            at: try r.required(r.time("at"), "at"), title: try r.text("title") ?? "", severity: try r.int("severity") ?? 3,
            text: try r.text("text") ?? "", inApp: try r.bool("in_app"), readAt: try r.time("read_at"), mail: mail,
            mailDueAt: try r.time("mail_due_at"))
    }

    func notificationRecipients(userIds: [Int], technicianIds: [Int], roles: [Role], logins: [String]) async throws
        -> [NotificationRecipient]
    {
        guard !(userIds.isEmpty && technicianIds.isEmpty && roles.isEmpty && logins.isEmpty) else { return [] }
        let query = db.select()
            .columns(
                SQLColumn("id", table: "u"), SQLColumn("login", table: "u"), SQLColumn("display_name", table: "u"),
                SQLColumn("role", table: "u"), SQLColumn("technician_id", table: "u")
            )
            .column(SQLFunction("COALESCE", args: SQLColumn("email", table: "u"), SQLColumn("email", table: "t")), as: "email")
            .column(SQLColumn("time_zone", table: "t"), as: "zone").column(SQLColumn("data", table: "s"), as: "settings")
            .from(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")))
            .join(
                SQLAlias(SQLIdentifier("technicians"), as: SQLIdentifier("t")), method: SQLJoinMethod.left,
                on: SQLColumn("id", table: "t"), .equal, SQLColumn("technician_id", table: "u")
            )
            .join(
                SQLAlias(SQLIdentifier("notification_settings"), as: SQLIdentifier("s")), method: SQLJoinMethod.left,
                on: SQLColumn("user_id", table: "s"), .equal, SQLColumn("id", table: "u")
            )
            .where(SQLColumn("active", table: "u"), .equal, SQLLiteral.boolean(true))
            .where { group in
                if !userIds.isEmpty { group.orWhere(SQLColumn("id", table: "u"), .in, SQLBind.group(userIds)) }
                if !technicianIds.isEmpty {
                    group.orWhere(SQLColumn("technician_id", table: "u"), .in, SQLBind.group(technicianIds))
                }
                if !roles.isEmpty { group.orWhere(SQLColumn("role", table: "u"), .in, SQLBind.group(roles.map(\.rawValue))) }
                if !logins.isEmpty { group.orWhere(SQLColumn("login", table: "u"), .in, SQLBind.group(logins)) }
                return group
            }
            .orderBy(SQLColumn("id", table: "u"))
        return try await query.all().compactMap { row -> NotificationRecipient? in
            let r = SQLStoredRow(row: row)
            guard let role = Role(rawValue: try r.required(r.text("role"), "role")), !role.isMachine else { return nil }
            return NotificationRecipient(
                userId: try r.required(r.int("id"), "id"), login: try r.required(r.text("login"), "login"),
                displayName: try r.text("display_name") ?? "", email: try r.text("email"), role: role,
                technicianId: try r.int("technician_id"), technicianZone: try r.text("zone"),
                settings: try r.text("settings").map { try StoredJSON.decoder.decode(NotificationSettings.self, from: Data($0.utf8)) })
        }
    }

    func insertNotifications(_ notifications: [TriageDomain.Notification]) async throws -> [TriageDomain.Notification] {
        guard !notifications.isEmpty else { return [] }
        let insert = db.insert(into: "notifications").columns(Self.notificationColumns.map { SQLIdentifier($0) })
        for n in notifications {
            insert.values(
                SQLBind(n.userId), SQLBind(n.kind.rawValue), SQLBind(n.ticketId), StoredValue.int(n.eventId).sql,
                SQLBind(n.at.storedMilliseconds), SQLBind(n.title), SQLBind(n.severity), SQLBind(n.text), SQLBind(n.inApp),
                StoredValue.time(n.readAt).sql, SQLBind(n.mail.rawValue), StoredValue.time(n.mailDueAt).sql)
        }
        // One statement; ids come in the order the rows were written.
        let ids = try await insert.returning("id").all(decodingColumn: "id", as: Int.self).sorted()
        guard ids.count == notifications.count else {
            throw CoordinatorError(.storage, "insert into notifications returned \(ids.count) ids")
        }
        return zip(notifications, ids).map { notification, id in
            var stored = notification
            stored.id = id
            return stored
        }
    }

    func notifications(userId: Int, unreadOnly: Bool, before: Int?, limit: Int) async throws -> [TriageDomain.Notification] {
        let query = db.select().column("*").from("notifications").where("user_id", .equal, userId)
            .where("in_app", .equal, SQLLiteral.boolean(true))
        if unreadOnly { query.where("read_at", .is, SQLLiteral.null) }
        if let before { query.where("id", .lessThan, before) }
        return try await query.orderBy("id", .descending).limit(limit).all().map(Self.notification)
    }

    func unreadNotifications(userId: Int, ticketId: Int?) async throws -> Int {
        let query = db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("notifications")
            .where("user_id", .equal, userId).where("in_app", .equal, SQLLiteral.boolean(true)).where("read_at", .is, SQLLiteral.null)
        if let ticketId { query.where("ticket_id", .equal, ticketId) }
        return try await query.first(decodingColumn: "n", as: Int.self) ?? 0
    }

    func markNotificationsRead(userId: Int, ids: [Int]?, ticketId: Int?, at: Date) async throws -> Int {
        func scoped(_ query: SQLUpdateBuilder) -> SQLUpdateBuilder {
            query.where("user_id", .equal, userId).where("in_app", .equal, SQLLiteral.boolean(true))
            if let ids { query.where("id", .in, ids) }
            if let ticketId { query.where("ticket_id", .equal, ticketId) }
            return query
        }
        if ids?.isEmpty == true { return 0 }
        // What the person read before its held or digest mail went is not mailed.
        try await scoped(db.update("notifications")).set("mail", to: SQLBind(TriageDomain.Notification.MailState.skipped.rawValue))
            .set("mail_due_at", to: SQLLiteral.null).where("read_at", .is, SQLLiteral.null)
            .where("mail", .in, ["held", "digest"]).run()
        return try await scoped(db.update("notifications")).set("read_at", to: SQLBind(at.storedMilliseconds))
            .where("read_at", .is, SQLLiteral.null).returning("id").all().count
    }

    func notificationSettings(userId: Int) async throws -> NotificationSettings? {
        try await db.select().column("data").from("notification_settings").where("user_id", .equal, userId)
            .first(decodingColumn: "data", as: String.self)
            .map { try StoredJSON.decoder.decode(NotificationSettings.self, from: Data($0.utf8)) }
    }

    func saveNotificationSettings(_ settings: NotificationSettings, userId: Int) async throws {
        let data = String(decoding: try StoredJSON.encoder.encode(settings), as: UTF8.self)
        try await db.insert(into: "notification_settings").columns("user_id", "data").values(SQLBind(userId), SQLBind(data))
            .onConflict(with: ["user_id"]) { $0.set(excludedValueOf: "data") }.run()
    }

    func notificationMailDue(at: Date, limit: Int) async throws -> [Int] {
        try await db.select().distinct().column("user_id").from("notifications")
            .where("mail_due_at", .lessThanOrEqual, at.storedMilliseconds).where("mail", .in, ["held", "digest"])
            .orderBy("user_id").limit(limit).all(decodingColumn: "user_id", as: Int.self)
    }

    func dueNotificationMail(userId: Int, at: Date) async throws -> [TriageDomain.Notification] {
        try await db.select().column("*").from("notifications").where("user_id", .equal, userId)
            .where("mail_due_at", .lessThanOrEqual, at.storedMilliseconds).where("mail", .in, ["held", "digest"])
            .orderBy("id").all().map(Self.notification)
    }

    func settleNotificationMail(ids: [Int], to state: TriageDomain.Notification.MailState) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await db.update("notifications").set("mail", to: SQLBind(state.rawValue)).set("mail_due_at", to: SQLLiteral.null)
            .where("id", .in, ids).where("mail", .in, ["held", "digest"])
            .returning("id").all().count
    }

    func notifiedUsers(eventIds: [Int]) async throws -> Set<Int> {
        guard !eventIds.isEmpty else { return [] }
        return Set(
            try await db.select().distinct().column("user_id").from("notifications").where("event_id", .in, eventIds)
                .where("in_app", .equal, SQLLiteral.boolean(true)).all(decodingColumn: "user_id", as: Int.self))
    }
}
