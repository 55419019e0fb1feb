import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static func token(_ row: any SQLRow) throws -> TokenInfo {
        let r = SQLStoredRow(row: row)
        let roleText = try r.required(r.text("role"), "role")
        guard let role = Role(rawValue: roleText) else {
            throw CoordinatorError(.storage, "unknown role \(roleText) in tokens")
        }
        return TokenInfo(
            id: try r.required(r.int("id"), "id"), name: try r.required(r.text("name"), "name"), role: role,
            hostId: try r.int("host_id"), technicianId: try r.int("technician_id"), userId: try r.int("user_id"),
            scope: try r.text("scope") == nil ? nil : try r.json("scope", as: CollectorScope.self),
            createdAt: try r.required(r.time("created_at"), "created_at"), revokedAt: try r.time("revoked_at"))
    }

    func insertToken(_ token: NewToken) async throws -> TokenInfo {
        let id = try await db.insert(into: "tokens")
            .columns("name", "role", "host_id", "technician_id", "user_id", "scope", "hash", "created_at")
            .values(
                SQLBind(token.name), SQLBind(token.role.rawValue), StoredValue.int(token.hostId).sql,
                StoredValue.int(token.technicianId).sql, StoredValue.int(token.userId).sql,
                StoredValue.text(try token.scope.map(StoredJSON.text)).sql, SQLBind(token.hash),
                SQLBind(token.createdAt.storedMilliseconds)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into tokens returned no id") }
        return TokenInfo(
            id: id, name: token.name, role: token.role, hostId: token.hostId,
            technicianId: token.technicianId, userId: token.userId, scope: token.scope, createdAt: token.createdAt, revokedAt: nil)
    }

    func token(hash: String) async throws -> TokenInfo? {
        try await db.select().column("*").from("tokens").where("hash", .equal, hash).first().map(Self.token)
    }

    func token(id: Int) async throws -> TokenInfo? {
        try await db.select().column("*").from("tokens").where("id", .equal, id).first().map(Self.token)
    }

    func tokens() async throws -> [TokenInfo] {
        try await db.select().column("*").from("tokens").orderBy("id").all().map(Self.token)
    }

    func revokeToken(_ id: Int, at: Date) async throws -> Bool {
        guard let row = try await db.select().column("*").from("tokens").where("id", .equal, id).first() else {
            return false
        }
        if try Self.token(row).revokedAt == nil {
            try await db.update("tokens").set("revoked_at", to: at.storedMilliseconds).where("id", .equal, id).run()
        }
        return true
    }

    func savedResponse(tokenId: Int, key: String) async throws -> SavedResponse? {
        guard
            let row = try await db.select().column("*").from("idempotency_keys")
                .where("token_id", .equal, tokenId).where("key", .equal, key).first()
        else { return nil }
        let r = SQLStoredRow(row: row)
        return SavedResponse(
            tokenId: tokenId, key: key, requestHash: try r.required(r.text("request_hash"), "request_hash"),
            status: try r.required(r.int("status"), "status"), body: try r.required(r.text("body"), "body"),
            location: try r.text("location"), createdAt: try r.required(r.time("created_at"), "created_at"))
    }

    func saveResponse(_ response: SavedResponse) async throws {
        try await db.insert(into: "idempotency_keys")
            .columns("token_id", "key", "request_hash", "status", "body", "location", "created_at")
            .values(
                SQLBind(response.tokenId), SQLBind(response.key), SQLBind(response.requestHash),
                SQLBind(response.status), SQLBind(response.body), StoredValue.text(response.location).sql,
                SQLBind(response.createdAt.storedMilliseconds)
            )
            .run()
    }
}
