import Foundation
import Logging
import SQLKit
import SQLiteKit
import TriageDomain

/// The embedded store: one SQLite file in WAL mode. All writes go through one connection,
/// one transaction at a time (SQLite has one writer anyway; sqlite-kit has no pool); each read
/// is one read-only transaction on a reader connection of its own (`SQLiteReaders`): one
/// snapshot of what was committed when it began.
public final class SQLiteStore: TriageStore {
    /// `normal` survives a killed process (the WAL is in the OS cache); `full` also survives a
    /// power cut at ≈ 2.5× the cost per commit.
    public enum Synchronous: String, Sendable, Codable, CaseIterable { case normal, full }

    private let writer: SQLiteConnection
    private let readers: SQLiteReaders
    private let writeDB: any SQLDatabase
    private let lock = AsyncLock()
    private let closed = CloseFlag()
    public let path: String

    public static func open(path: String, synchronous: Synchronous = .normal, logger: Logger) async throws
        -> SQLiteStore
    {
        func connect() async throws -> SQLiteConnection {
            do {
                return try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            } catch {
                throw CoordinatorError(.storage, "cannot open SQLite database \(path): \(error)")
            }
        }
        let writer = try await connect()
        let store: SQLiteStore
        do {
            let writeDB = writer.sql(queryLogLevel: .trace)
            try await writeDB.raw("PRAGMA journal_mode=WAL").run()
            try await writeDB.raw("PRAGMA synchronous=\(unsafeRaw: synchronous.rawValue.uppercased())").run()
            let readers = try await SQLiteReaders.open(connect)
            store = SQLiteStore(path: path, writer: writer, readers: readers)
        } catch {
            try? await writer.close()
            throw error
        }
        return store
    }

    private init(path: String, writer: SQLiteConnection, readers: SQLiteReaders) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.writeDB = writer.sql(queryLogLevel: .trace)
    }

    public func read<T: Sendable>(_ body: @Sendable (any StoreSession) async throws -> T) async throws -> T {
        try await readers.with { reader in
            try await sqlReadTransaction(reader.sql(queryLogLevel: .trace), "BEGIN") { try await body(SQLSession(db: $0)) }
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any StoreSession) async throws -> T) async throws -> T {
        try await lock.withLock {
            try await sqlTransaction(writeDB, "BEGIN IMMEDIATE") { try await body(SQLSession(db: $0)) }
        }
    }

    @discardableResult
    public func migrate() async throws -> [Int] {
        try await lock.withLock {
            try await Migrations.run(on: writeDB, database: path) { step in
                try await sqlTransaction(writeDB, "BEGIN IMMEDIATE") { try await step($0) }
            }
        }
    }

    // MARK: - Backup and restore

    /// Writes a consistent copy of the database as it is now to `target`, while it is in use:
    /// SQLite's VACUUM INTO reads in one transaction on a reader connection, so writers go on and
    /// nothing committed after the start is half in the copy. The copy is compact and needs no WAL.
    /// Never overwrites. Returns the copy's size in bytes.
    public func backup(to target: String) async throws -> Int {
        guard !FileManager.default.fileExists(atPath: target) else {
            throw CoordinatorError(.configuration, "\(target) already exists: a backup never overwrites a file")
        }
        // Made empty first, 0600: VACUUM INTO would make it with the process's umask.
        try PrivateFiles.createEmpty(target)
        do {
            try await readers.with { reader in
                // VACUUM INTO writes only the copy, but query_only refuses it too: off for this statement.
                let db = reader.sql(queryLogLevel: .trace)
                try await db.raw("PRAGMA query_only=OFF").run()
                var failure: (any Error)?
                do { try await db.raw("VACUUM INTO \(bind: target)").run() } catch { failure = error }
                try await db.raw("PRAGMA query_only=ON").run()
                if let failure { throw failure }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw CoordinatorError(.storage, "the backup of \(path) to \(target) failed: \(error)")
        }
        return (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
    }

    /// Puts the backup `source` in place as the database `target`, which must not exist yet (stop
    /// the coordinator and move the old file aside first: a restore never overwrites). The backup
    /// must pass SQLite's integrity check and be a Triage database; opening it afterwards applies
    /// the migrations it lacks. Returns the backup's schema version.
    public static func restore(from source: String, to target: String, logger: Logger) async throws -> Int {
        for file in [target, target + "-wal"] where FileManager.default.fileExists(atPath: file) {
            throw CoordinatorError(.configuration, "\(file) already exists: stop the coordinator and move it aside, then restore")
        }
        guard FileManager.default.isReadableFile(atPath: source) else {
            throw CoordinatorError(.configuration, "cannot read the backup \(source)")
        }
        let version: Int
        let connection = try await SQLiteConnection.open(storage: .file(path: source), logger: logger)
        do {
            let db = connection.sql()
            let check = try await db.raw("PRAGMA integrity_check").all().first.map {
                try $0.decode(column: "integrity_check", as: String.self)
            }
            guard check == "ok" else {
                throw CoordinatorError(.storage, "\(source) fails SQLite's integrity check: \(check ?? "no answer")")
            }
            let newest = try? await db.select().column(SQLFunction("max", args: SQLColumn("version")), as: "newest")
                .from(Migrations.table).first()?.decode(column: "newest", as: Int?.self)
            guard let newest else { throw CoordinatorError(.storage, "\(source) is not a Triage database (it has no \(Migrations.table))") }
            version = newest
            try await connection.close()
        } catch {
            try? await connection.close()
            if error is CoordinatorError { throw error }
            throw CoordinatorError(.storage, "\(source) is not a readable SQLite database: \(error)")
        }
        let staging = target + ".restoring"
        do {
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.copyItem(atPath: source, toPath: staging)
            try PrivateFiles.tighten(staging, PrivateFiles.fileMode)
            try FileManager.default.moveItem(atPath: staging, toPath: target)
        } catch {
            throw CoordinatorError(.storage, "cannot put \(source) in place as \(target): \(error.localizedDescription)")
        }
        return version
    }

    /// Closes both connections once; later calls do nothing. The last close checkpoints the WAL
    /// into the database file and removes it.
    public func close() async throws {
        try await lock.withLock {
            guard await closed.markClosed() else { return }
            // Both, even when one fails: sqlite-nio traps on a connection never closed.
            var failure: (any Error)?
            do { try await readers.close() } catch { failure = error }
            do { try await writer.close() } catch { failure = failure ?? error }
            if let failure { throw failure }
        }
    }
}

private actor CloseFlag {
    private var isClosed = false

    /// True the first time only.
    func markClosed() -> Bool {
        defer { isClosed = true }
        return !isClosed
    }
}
