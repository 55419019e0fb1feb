import SQLiteKit
import Synchronization

/// The embedded store's reader connections. Each read holds one for its whole transaction, so
/// reads run side by side and each sees one snapshot of the WAL; a read waits while all are busy.
/// Every reader is `query_only`: a write inside a read fails instead of taking the file's lock.
final class SQLiteReaders: Sendable {
    static let count = 4

    private let connections: [SQLiteConnection]
    private let state: Mutex<(free: [Int], waiting: [CheckedContinuation<Int, Never>])>

    private init(_ connections: [SQLiteConnection]) {
        self.connections = connections
        state = Mutex((Array(connections.indices), []))
    }

    /// Opens `count` connections with `connect`; on a failure closes those already open.
    static func open(_ connect: () async throws -> SQLiteConnection) async throws -> SQLiteReaders {
        var opened: [SQLiteConnection] = []
        do {
            for _ in 0..<count {
                let connection = try await connect()
                opened.append(connection)
                try await connection.sql().raw("PRAGMA query_only=ON").run()
            }
        } catch {
            for connection in opened { try? await connection.close() }
            throw error
        }
        return SQLiteReaders(opened)
    }

    /// Runs `body` on a reader of its own.
    func with<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let index = await take()
        defer { give(index) }
        return try await body(connections[index])
    }

    /// Closes every reader, even when one fails (sqlite-nio traps on a connection never closed).
    func close() async throws {
        var failure: (any Error)?
        for connection in connections {
            do { try await connection.close() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    private func take() async -> Int {
        await withCheckedContinuation { continuation in
            let free = state.withLock { state -> Int? in
                if let free = state.free.popLast() { return free }
                state.waiting.append(continuation)
                return nil
            }
            if let free { continuation.resume(returning: free) }
        }
    }

    private func give(_ index: Int) {
        let next = state.withLock { state -> CheckedContinuation<Int, Never>? in
            guard !state.waiting.isEmpty else {
                state.free.append(index)
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume(returning: index)
    }
}
