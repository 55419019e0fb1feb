import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    func serverSecret(named name: String, orNew candidate: String) async throws -> String {
        try await db.insert(into: "server_secrets").columns("name", "value").values(SQLBind(name), SQLBind(candidate))
            .ignoringConflicts(with: ["name"]).run()
        let value = try await db.select().column("value").from("server_secrets").where("name", .equal, name)
            .first(decodingColumn: "value", as: String.self)
        guard let value else { throw CoordinatorError(.storage, "server secret \(name) was not stored") }
        return value
    }

    func serverSecrets() async throws -> [String: String] {
        var found: [String: String] = [:]
        for row in try await db.select().columns("name", "value").from("server_secrets").all() {
            found[try row.decode(column: "name", as: String.self)] = try row.decode(column: "value", as: String.self)
        }
        return found
    }

    func setServerSecret(_ value: String, named name: String) async throws {
        try await db.update("server_secrets").set("value", to: value).where("name", .equal, name).run()
    }
}
