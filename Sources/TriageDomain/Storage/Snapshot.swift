import Foundation

/// The read a page holds while it asks several rooms: inside `Coordinator.snapshot`, every room's
/// `read` joins this one read-only transaction instead of opening its own, so what the page
/// shows is one moment of the store (docs/ARCHITECTURE.md, "Storage"). A task started inside
/// inherits it, so start none there that outlives the snapshot.
enum Snapshot {
    @TaskLocal static var session: (any StoreSession)?
}

extension Coordinator {
    /// Runs `body` with the rooms' reads in one read-only snapshot; writes inside it are their
    /// own transactions, as ever. Nested snapshots join the outer one.
    public func snapshot<T>(_ body: () async throws -> T) async throws -> T {
        if Snapshot.session != nil { return try await body() }
        // The store's read takes a @Sendable closure, but `body` runs once, inside it and on this
        // task: what it captures and returns never crosses to another.
        nonisolated(unsafe) var result: T?
        try await withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            try await store.read { session in
                try await Snapshot.$session.withValue(session) { result = try await body() }
            }
        }
        return result!
    }
}
