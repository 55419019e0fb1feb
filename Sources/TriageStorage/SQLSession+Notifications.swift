import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    func insertNotification(_ notification: TriageDomain.Notification) async throws -> TriageDomain.Notification {
        let json = String(decoding: try StoredJSON.encoder.encode(notification.data), as: UTF8.self)
        let id = try await db.insert(into: "notifications").columns("type", "ticket_id", "at", "data")
            .values(
                SQLBind(notification.type), notification.ticketId.map { SQLBind($0) } ?? SQLLiteral.null,
                SQLBind(notification.at.storedMilliseconds), SQLBind(json)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into notifications returned no id") }
        var stored = notification
        stored.id = id
        return stored
    }

    func notifications(after: Int?, limit: Int) async throws -> [TriageDomain.Notification] {
        let query = db.select().column("*").from("notifications")
        if let after { query.where("id", .greaterThan, after) }
        return try await query.orderBy("id").limit(limit).all().map { row in
            let r = SQLStoredRow(row: row)
            return TriageDomain.Notification(
                id: try r.required(r.int("id"), "id"), type: try r.required(r.text("type"), "type"),
                ticketId: try r.int("ticket_id"), at: try r.required(r.time("at"), "at"),
                data: try r.json("data", as: JSONValue.self))
        }
    }

    /// One conditional upsert, so two instances racing for it on PostgreSQL cannot both win.
    func acquireLease(_ name: String, holder: String, now: Date, until: Date) async throws -> Bool {
        let row = try await db.insert(into: "leases").columns("name", "holder", "expires_at")
            .values(SQLBind(name), SQLBind(holder), SQLBind(until.storedMilliseconds))
            .onConflict(with: ["name"]) { update in
                update.set(excludedValueOf: "holder").set(excludedValueOf: "expires_at")
                    .where(SQLColumn("holder", table: "leases"), .equal, SQLBind(holder))
                    .orWhere(SQLColumn("expires_at", table: "leases"), .lessThanOrEqual, SQLBind(now.storedMilliseconds))
            }
            .returning("holder").first()
        return row != nil
    }
}
