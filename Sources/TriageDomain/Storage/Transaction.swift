import Foundation

/// One write transaction as the API and the board hold it. They pass it to the rooms' operations
/// (`in:`), so that several operations and an idempotency record commit together, but they
/// cannot read or write a record with it: the session inside is the domain's alone, and nothing
/// outside the domain can reach the store (docs/ARCHITECTURE.md, "Modules").
public struct Transaction: Sendable {
    let session: any StoreSession
}

/// An answer kept under an Idempotency-Key, as the edge gives it and gets it back.
public struct KeptAnswer: Sendable, Equatable {
    public var status: Int
    public var body: Data
    public var location: String?

    public init(status: Int, body: Data, location: String?) {
        self.status = status
        self.body = body
        self.location = location
    }
}

extension Coordinator {
    /// Runs `body` in one write transaction, committed before this returns.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await core.store.write { try await body(Transaction(session: $0)) }
    }

    /// Runs `operation` in one write transaction and, when the caller's token sent `key`, keeps
    /// its answer in the same transaction: the same key again gets that answer back (`replayed`)
    /// and changes nothing; with another request (`requestHash`) it is a 422. Errors are not kept,
    /// so a retry after a refusal is weighed afresh.
    public func idempotentWrite(
        key: String?, requestHash: String, by principal: Principal,
        _ operation: @escaping @Sendable (Transaction) async throws -> KeptAnswer
    ) async throws
        -> (answer: KeptAnswer, replayed: Bool)
    {
        let at = now()
        return try await core.store.write { session in
            if let key, let tokenId = principal.tokenId, let saved = try await session.savedResponse(tokenId: tokenId, key: key) {
                guard saved.requestHash == requestHash else {
                    throw CoordinatorError(
                        .idempotencyKeyReused,
                        "Idempotency-Key '\(key)' was already used for a different request; use a new key")
                }
                return (KeptAnswer(status: saved.status, body: Data(saved.body.utf8), location: saved.location), true)
            }
            let answer = try await operation(Transaction(session: session))
            if let key, let tokenId = principal.tokenId {
                try await session.saveResponse(
                    SavedResponse(
                        tokenId: tokenId, key: key, requestHash: requestHash, status: answer.status,
                        body: String(decoding: answer.body, as: UTF8.self), location: answer.location, createdAt: at))
            }
            return (answer, false)
        }
    }
}
