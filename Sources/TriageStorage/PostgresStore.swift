import Dispatch
import Foundation
import Logging
import PostgresKit
import Synchronization
import TriageDomain

/// The shared store: PostgreSQL, for one or several coordinator instances. Connections come from
/// a pool; a write is one SERIALIZABLE transaction, so every rule the domain checks inside it (a
/// technician's visits do not overlap, an idempotency key answers once, a dedupe key opens one
/// ticket) holds across instances exactly as it does on SQLite's single writer. When PostgreSQL
/// refuses to commit because a concurrent transaction got there first, the write runs again from
/// the start on fresh data; the caller never sees that. Optimism alone can starve a write that
/// keeps losing under heavy contention, so after a few lost races it runs alone: every write holds
/// a shared advisory lock, and the one that lost too often waits for the exclusive one (which makes
/// new writes wait behind it) and then cannot conflict with anybody.
public final class PostgresStore: TriageStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let retries = Atomic<Int>(0)
    public let location: String

    /// Writes run again after a serialization failure or deadlock, since the start (`/metrics`).
    public var writeRetries: Int { retries.load(ordering: .relaxed) }
    public var retriedWrites: Int? { writeRetries }

    /// Races a write may lose before it runs alone.
    static let optimisticAttempts = 4
    /// The advisory lock of writes, shared by all but one that runs alone ("triage-w" in ASCII).
    static let writeLock = 0x7472_6961_6765_2D77

    public static func open(url: String, maxConnections: Int = 8, logger: Logger) async throws -> PostgresStore {
        let parsed = try PostgresLocation(url: url)
        do {
            try await parsed.probe(logger: logger)
        } catch {
            throw Self.storageError(error, "cannot connect to \(parsed.description)")
        }
        // The pool logs every failed attempt to connect at info, and warns about a lease that
        // comes before its run() task is scheduled (the lease just waits); an outage shows up as
        // failed requests instead, each with the reason.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: parsed.clientConfiguration(maxConnections: maxConnections), backgroundLogger: quiet)
        return PostgresStore(client: client, location: parsed.description)
    }

    private init(client: PostgresClient, location: String) {
        self.client = client
        self.location = location
        running = Task { await client.run() }
    }

    public func read<T: Sendable>(_ body: @Sendable (any StoreSession) async throws -> T) async throws -> T {
        // One snapshot, read only: a page drawn from several reads sees one moment, and a write
        // inside a read fails (PostgreSQL never has a read-only transaction wait or retry).
        try await connection("a read from") { connection in
            try await sqlReadTransaction(connection.sql(queryLogLevel: .trace), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                try await body(SQLSession(db: $0))
            }
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any StoreSession) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let runAlone = attempt > Self.optimisticAttempts
            do {
                return try await connection("a write to") { connection in
                    let db = connection.sql(queryLogLevel: .trace)
                    if runAlone {
                        return try await Self.alone(db, connection) { try await body(SQLSession(db: $0)) }
                    }
                    return try await sqlTransaction(db, "BEGIN ISOLATION LEVEL SERIALIZABLE") { db in
                        try await db.raw("SELECT pg_advisory_xact_lock_shared(\(literal: Self.writeLock))").run()
                        return try await body(SQLSession(db: db))
                    }
                }
            } catch let conflict as Conflict {
                // Running alone cannot lose a race; if it does anyway, something else is wrong.
                guard attempt <= Self.optimisticAttempts else {
                    throw Self.storageError(conflict.error, "a write to \(location) failed even when run alone")
                }
                attempt += 1
                retries.add(1, ordering: .relaxed)
                // Jittered back-off, so the transactions that collided do not collide again.
                try await Task.sleep(for: .microseconds(Int.random(in: 0...(500 << attempt))))
            }
        }
    }

    /// Runs a write transaction holding the writes' lock exclusively. The lock is taken before
    /// BEGIN, so the transaction's snapshot comes after every other write has committed.
    private static func alone<T: Sendable>(
        _ db: any SQLDatabase, _ connection: PostgresConnection,
        _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await holding(writeLock, db, connection) {
            try await sqlTransaction(db, "BEGIN ISOLATION LEVEL SERIALIZABLE", body)
        }
    }

    /// Runs `body` holding the session advisory lock `key`. A session lock outlives transactions,
    /// so a connection whose unlock fails is closed rather than returned to the pool with it.
    private static func holding<T: Sendable>(
        _ key: Int, _ db: any SQLDatabase, _ connection: PostgresConnection,
        _ body: () async throws -> T
    ) async throws -> T {
        try await db.raw("SELECT pg_advisory_lock(\(literal: key))").run()
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        // A session lock dies with its connection; a query on a lost connection may never answer.
        if case .failure(let error) = result, isConnectionLoss(error) { return try result.get() }
        do {
            try await db.raw("SELECT pg_advisory_unlock(\(literal: key))").run()
        } catch {
            try? await connection.close()
        }
        return try result.get()
    }

    /// How long a request waits for a pooled connection while no other request got one either,
    /// before the database counts as unavailable (the pool alone keeps retrying with back-off for
    /// a minute or more). While others do get connections the pool is only busy, and it waits on.
    static let leaseTimeout: Duration = .seconds(10)
    /// When a request last got a connection (uptime nanoseconds).
    private let lastLease = Atomic<UInt64>(0)

    /// Runs `body` on a pooled connection. No connection within `leaseTimeout`, or one that breaks,
    /// is a 503 (`unavailable`) naming the database; another error from PostgreSQL a storage error;
    /// a serialization failure becomes `Conflict`; the body's own errors pass unchanged.
    private func connection<T: Sendable>(_ what: String, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = LeaseFlag()
        do {
            return try await withoutActuallyEscaping(body) { body in
                try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask {
                        try await self.client.withConnection { connection in
                            leased.set()
                            self.lastLease.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
                            return try await body(connection)
                        }
                    }
                    let timer: @Sendable () async -> T? = {
                        try? await Task.sleep(for: Self.leaseTimeout)
                        return nil
                    }
                    group.addTask(operation: timer)
                    defer { group.cancelAll() }
                    while let outcome = try await group.next() {
                        if let value = outcome { return value }
                        guard !leased.isSet else { continue }
                        let sinceLease = DispatchTime.now().uptimeNanoseconds &- lastLease.load(ordering: .relaxed)
                        guard sinceLease < UInt64(Self.leaseTimeout.components.seconds) * 1_000_000_000 else { throw LeaseTimeout() }
                        group.addTask(operation: timer)
                    }
                    throw CancellationError()
                }
            }
        } catch {
            if Self.isConflict(error) { throw Conflict(error: error) }
            if error is LeaseTimeout {
                throw CoordinatorError(.unavailable, "\(what) \(location) failed: no connection within \(Self.leaseTimeout)")
            }
            if (!leased.isSet && !(error is CancellationError)) || Self.isConnectionLoss(error) {
                throw CoordinatorError(
                    .unavailable,
                    "\(what) \(location) failed: \(leased.isSet ? "connection lost" : "no connection"): \(Self.describe(error))")
            }
            throw Self.storageError(error, "\(what) \(location) failed")
        }
    }

    private struct LeaseTimeout: Error {}

    private final class LeaseFlag: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
    }

    private struct Conflict: Error { let error: any Error }

    /// Applies the missing migrations. Instances that start together queue on an advisory lock,
    /// so exactly one applies each step and the others find it applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        do {
            return try await client.withConnection { connection in
                let db = connection.sql(queryLogLevel: .trace)
                return try await Self.holding(Self.migrationLock, db, connection) {
                    try await Migrations.run(on: db, database: location) { step in
                        try await sqlTransaction(db, "BEGIN") { try await step($0) }
                    }
                }
            }
        } catch {
            throw Self.storageError(error, "migrating \(location) failed")
        }
    }

    /// The advisory lock key of migrations ("triage" in ASCII).
    static let migrationLock = 0x7472_6961_6765

    public func close() async throws {
        running.cancel()
        await running.value
    }

    /// The connection broke (server shut down, network gone): the database is unavailable, not wrong.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown].contains(error.code)
            || error.serverInfo?[.sqlState]?.hasPrefix("57P") == true  // admin shutdown, crash shutdown, cannot connect now
    }

    /// Serialization failure or deadlock: the transaction lost a race and is safe to run again.
    static func isConflict(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// PostgreSQL's errors become one line with the server's message (PSQLError's description
    /// hides it on purpose); others, the domain's own among them, pass unchanged.
    static func storageError(_ error: any Error, _ context: String) -> any Error {
        guard error is PSQLError else { return error }
        return CoordinatorError(.storage, "\(context): \(describe(error))")
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            return "\(info[.message] ?? "server error") (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }
}
