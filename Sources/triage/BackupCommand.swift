import ArgumentParser
import Foundation
import TriageCoordinator
import TriageDomain
import TriageStorage

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a file while the coordinator keeps running.",
        discussion: """
            The copy is consistent (one read transaction: what was committed when it started), \
            compact, and never overwrites a file. Restore it with `triage restore`. Example:
              triage backup --data /var/lib/triage --to /var/backups/triage/triage-$(date +%F).db
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The backup file to write; it must not exist.", valueName: "file"))
    var to: String

    func run() async throws {
        try await reported {
            let configuration = try store.configuration()
            let path = try sqlitePath(configuration, "pg_dump --format=custom")
            guard FileManager.default.fileExists(atPath: path) else {
                throw CoordinatorError(.configuration, "there is no database at \(path)")
            }
            let database = try await SQLiteStore.open(
                path: path, synchronous: configuration.sqliteSynchronous,
                logger: makeLogger(level: configuration.logLevel))
            do {
                let bytes = try await database.backup(to: to)
                try await database.close()
                print("backed up \(path) to \(to) (\(bytes) bytes)")
            } catch {
                try? await database.close()
                throw error
            }
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place as the database (where none is), then bring its schema up to date.",
        discussion: """
            Stop the coordinator and move the old database aside first: a restore never overwrites. \
            The backup must pass SQLite's integrity check. Example:
              systemctl stop triage && mv /var/lib/triage/triage.db{,.old} && rm -f /var/lib/triage/triage.db-*
              triage restore --data /var/lib/triage --from /var/backups/triage/triage-2026-11-25.db && systemctl start triage
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("The backup file (from triage backup).", valueName: "file"))
    var from: String

    func run() async throws {
        try await reported {
            let configuration = try store.configuration()
            let path = try sqlitePath(configuration, "pg_restore")
            let logger = makeLogger(level: configuration.logLevel)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let version = try await SQLiteStore.restore(from: from, to: path, logger: logger)
            // Opening applies the migrations a backup from an older triage lacks.
            try await store.withCoordinator(configuration, logger: logger) { _ in }
            print("restored \(from) (schema version \(version)) as \(path)")
        }
    }
}

/// The SQLite file these commands work on; PostgreSQL has its own tools for the job.
private func sqlitePath(_ configuration: CoordinatorConfiguration, _ tool: String) throws -> String {
    switch try configuration.databaseLocation() {
    case .sqlite(let path): return path
    case .postgres:
        throw CoordinatorError(.configuration, "the database is PostgreSQL: use \(tool) (Deploy/backup.sh shows how)")
    }
}
