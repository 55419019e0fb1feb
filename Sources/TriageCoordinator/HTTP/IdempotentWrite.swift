import Crypto
import HTTPTypes
import Foundation
import Hummingbird

/// Runs a write in one transaction and, when the request carries an Idempotency-Key, stores the
/// answer in the same transaction: a retry gets the first answer back and changes nothing.
/// The same key with a different request is refused (422); errors are not stored, so a
/// retry after a 4xx is evaluated afresh.
struct IdempotentWrite: Sendable {
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    let coordinator: Coordinator

    struct Result: Sendable {
        var status: HTTPResponse.Status
        var body: Data
        var location: String?
    }

    func run(_ request: Request, _ context: TriageRequestContext, body: Data,
             _ operation: @escaping @Sendable (any StoreSession, Principal) async throws -> Result) async throws -> Response
    {
        let principal = try context.caller()
        // Keys are per token; the API is called with tokens only, so there always is one.
        let key = principal.tokenId == nil ? nil : request.headers[Self.header]
        if let key, key.isEmpty || key.count > 255 {
            throw CoordinatorError(.badRequest, "Idempotency-Key must be 1 to 255 characters")
        }
        let requestHash = Self.hash(request, body)
        let at = coordinator.now()
        let (result, replayed) = try await coordinator.store.write { session -> (Result, Bool) in
            if let key, let tokenId = principal.tokenId, let saved = try await session.savedResponse(tokenId: tokenId, key: key) {
                guard saved.requestHash == requestHash else {
                    throw CoordinatorError(
                        .idempotencyKeyReused,
                        "Idempotency-Key '\(key)' was already used for a different request; use a new key")
                }
                return (Result(status: .init(code: saved.status), body: Data(saved.body.utf8), location: saved.location), true)
            }
            let result = try await operation(session, principal)
            if let key, let tokenId = principal.tokenId {
                try await session.saveResponse(
                    SavedResponse(tokenId: tokenId, key: key, requestHash: requestHash,
                                  status: result.status.code, body: String(decoding: result.body, as: UTF8.self),
                                  location: result.location, createdAt: at))
            }
            return (result, false)
        }
        var response = JSONBody.response(data: result.body, status: result.status, location: result.location)
        if replayed { response.headers[Self.replayedHeader] = "true" }
        return response
    }

    /// The method, path, query string and body: the same key sent to `?host=1` and then to
    /// `?host=2` is a different request.
    static func hash(_ request: Request, _ body: Data) -> String {
        var hasher = SHA256()
        let query = request.uri.query.map { "?" + $0 } ?? ""
        hasher.update(data: Data("\(request.method) \(request.uri.path)\(query)\n".utf8))
        hasher.update(data: body)
        return hasher.finalize().hex
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Result {
        Result(status: status, body: try JSONBody.encoder.encode(value), location: location)
    }
}
