import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static func view(_ row: any SQLRow) throws -> SavedView {
        let r = SQLStoredRow(row: row)
        return SavedView(
            id: try r.required(r.int("id"), "id"), ownerUserId: try r.int("owner_user_id"), name: try r.required(r.text("name"), "name"),
            query: try r.text("query") ?? "", createdAt: try r.required(r.time("created_at"), "created_at"))
    }

    func savedViews(userId: Int) async throws -> [SavedView] {
        try await db.select().column("*").from("saved_views")
            .where { $0.where("owner_user_id", .equal, userId).orWhere("owner_user_id", .is, SQLLiteral.null) }
            .orderBy(SQLOrderBy(expression: SQLRaw("CASE WHEN owner_user_id IS NULL THEN 1 ELSE 0 END"), direction: SQLDirection.ascending))
            .orderBy("name").orderBy("id").all().map(Self.view)
    }

    func savedView(_ id: Int) async throws -> SavedView? {
        try await db.select().column("*").from("saved_views").where("id", .equal, id).first().map(Self.view)
    }

    func saveView(_ view: SavedView) async throws -> SavedView {
        let same = db.select().column("*").from("saved_views").where("name", .equal, view.name)
        if let owner = view.ownerUserId {
            same.where("owner_user_id", .equal, owner)
        } else {
            same.where("owner_user_id", .is, SQLLiteral.null)
        }
        if let existing = try await same.first().map(Self.view) {
            try await db.update("saved_views").set("query", to: view.query).where("id", .equal, existing.id).run()
            return SavedView(
                id: existing.id, ownerUserId: existing.ownerUserId, name: existing.name, query: view.query, createdAt: existing.createdAt)
        }
        let id = try await db.insert(into: "saved_views").columns("owner_user_id", "name", "query", "created_at")
            .values(
                StoredValue.int(view.ownerUserId).sql, SQLBind(view.name), SQLBind(view.query), SQLBind(view.createdAt.storedMilliseconds)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into saved_views returned no id") }
        var stored = view
        stored.id = id
        return stored
    }

    func deleteView(_ id: Int) async throws {
        try await db.delete(from: "saved_views").where("id", .equal, id).run()
    }
}

extension SQLSession {
    private static func cannedReply(_ row: any SQLRow) throws -> CannedReply {
        let r = SQLStoredRow(row: row)
        return CannedReply(
            id: try r.required(r.int("id"), "id"), ownerUserId: try r.int("owner_user_id"), name: try r.required(r.text("name"), "name"),
            body: try r.text("body") ?? "", createdAt: try r.required(r.time("created_at"), "created_at"))
    }

    func cannedReplies(userId: Int) async throws -> [CannedReply] {
        try await db.select().column("*").from("canned_replies")
            .where { $0.where("owner_user_id", .equal, userId).orWhere("owner_user_id", .is, SQLLiteral.null) }
            .orderBy(SQLOrderBy(expression: SQLRaw("CASE WHEN owner_user_id IS NULL THEN 1 ELSE 0 END"), direction: SQLDirection.ascending))
            .orderBy("name").orderBy("id").all().map(Self.cannedReply)
    }

    func cannedReply(_ id: Int) async throws -> CannedReply? {
        try await db.select().column("*").from("canned_replies").where("id", .equal, id).first().map(Self.cannedReply)
    }

    func insertCannedReply(_ reply: CannedReply) async throws -> CannedReply {
        let id = try await db.insert(into: "canned_replies").columns("owner_user_id", "name", "body", "created_at")
            .values(
                StoredValue.int(reply.ownerUserId).sql, SQLBind(reply.name), SQLBind(reply.body),
                SQLBind(reply.createdAt.storedMilliseconds)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into canned_replies returned no id") }
        var stored = reply
        stored.id = id
        return stored
    }

    func deleteCannedReply(_ id: Int) async throws {
        try await db.delete(from: "canned_replies").where("id", .equal, id).run()
    }
}
