import Foundation
import SQLKit

extension SQLSession {
    func serverSecret(named name: String, orNew candidate: String) async throws -> String {
        try await db.insert(into: "server_secrets").columns("name", "value").values(SQLBind(name), SQLBind(candidate))
            .ignoringConflicts(with: ["name"]).run()
        let value = try await db.select().column("value").from("server_secrets").where("name", .equal, name)
            .first(decodingColumn: "value", as: String.self)
        guard let value else { throw CoordinatorError(.storage, "server secret \(name) was not stored") }
        return value
    }
}
