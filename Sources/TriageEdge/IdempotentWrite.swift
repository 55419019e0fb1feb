import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain

/// Runs a write in one transaction and, when the request carries an Idempotency-Key, stores the
/// answer in the same transaction: a retry gets the first answer back and changes nothing.
/// The same key with a different request is refused (422); errors are not stored, so a
/// retry after a 4xx is evaluated afresh.
package struct IdempotentWrite: Sendable {
    package static let header = HTTPField.Name("Idempotency-Key")!
    package static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    package let coordinator: Coordinator

    package struct Result: Sendable {
        package var status: HTTPResponse.Status
        package var body: Data
        package var location: String?

        package init(status: HTTPResponse.Status, body: Data, location: String? = nil) {
            self.status = status
            self.body = body
            self.location = location
        }
    }

    package func run(
        _ request: Request, _ context: TriageRequestContext, body: Data,
        _ operation: @escaping @Sendable (Transaction, Principal) async throws -> Result
    ) async throws -> Response {
        let principal = try context.caller()
        // Keys are per token; the API is called with tokens only, so there always is one.
        let key = principal.tokenId == nil ? nil : request.headers[Self.header]
        if let key, key.isEmpty || key.count > 255 {
            throw CoordinatorError(.badRequest, "Idempotency-Key must be 1 to 255 characters")
        }
        let (answer, replayed) = try await coordinator.idempotentWrite(key: key, requestHash: Self.hash(request, body), by: principal) {
            let result = try await operation($0, principal)
            return KeptAnswer(status: result.status.code, body: result.body, location: result.location)
        }
        let result = Result(status: .init(code: answer.status), body: answer.body, location: answer.location)
        var response = JSONBody.response(data: result.body, status: result.status, location: result.location)
        if replayed { response.headers[Self.replayedHeader] = "true" }
        return response
    }

    /// The method, path, query string and body: the same key sent to `?host=1` and then to
    /// `?host=2` is a different request.
    package static func hash(_ request: Request, _ body: Data) -> String {
        var hasher = SHA256()
        let query = request.uri.query.map { "?" + $0 } ?? ""
        hasher.update(data: Data("\(request.method) \(request.uri.path)\(query)\n".utf8))
        hasher.update(data: body)
        return hasher.finalize().hex
    }

    package static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Result {
        Result(status: status, body: try JSONBody.encoder.encode(value), location: location)
    }

    package init(coordinator: Coordinator) {
        self.coordinator = coordinator
    }
}
