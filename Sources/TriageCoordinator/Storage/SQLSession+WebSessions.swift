import Foundation
import SQLKit

extension SQLSession {
    func insertWebSession(secretHash: String, tokenId: Int, at: Date, expiresAt: Date) async throws {
        try await db.insert(into: "web_sessions")
            .columns("secret_hash", "token_id", "created_at", "expires_at")
            .values(SQLBind(secretHash), SQLBind(tokenId), SQLBind(at.storedMilliseconds), SQLBind(expiresAt.storedMilliseconds))
            .run()
    }

    func webSessionToken(secretHash: String, now: Date) async throws -> TokenInfo? {
        guard let tokenId = try await db.select().column("token_id").from("web_sessions")
            .where("secret_hash", .equal, secretHash).where("expires_at", .greaterThan, now.storedMilliseconds)
            .first(decodingColumn: "token_id", as: Int.self)
        else { return nil }
        return try await token(id: tokenId)
    }

    func deleteWebSession(secretHash: String) async throws {
        try await db.delete(from: "web_sessions").where("secret_hash", .equal, secretHash).run()
    }

    func deleteWebSessions(expiredAt now: Date) async throws {
        try await db.delete(from: "web_sessions").where("expires_at", .lessThanOrEqual, now.storedMilliseconds).run()
    }

    func serverSecret(named name: String, orNew candidate: String) async throws -> String {
        try await db.insert(into: "server_secrets").columns("name", "value").values(SQLBind(name), SQLBind(candidate))
            .ignoringConflicts(with: ["name"]).run()
        let value = try await db.select().column("value").from("server_secrets").where("name", .equal, name)
            .first(decodingColumn: "value", as: String.self)
        guard let value else { throw CoordinatorError(.storage, "server secret \(name) was not stored") }
        return value
    }
}
