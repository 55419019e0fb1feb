import ArgumentParser
import Foundation
import Logging
import TriageCoordinator
import TriageDomain
import TriageStorage

/// Where the configuration and the store are: shared by every subcommand.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("YAML configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Data folder (default ./triage-data; env TRIAGE_DATA).", valueName: "dir"))
    var data: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Database: sqlite:PATH or a path (default DATA/triage.db), or postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=…] to share one with other instances (env TRIAGE_DATABASE).",
            valueName: "url"))
    var database: String?

    func configuration() throws -> CoordinatorConfiguration {
        var configuration = try CoordinatorConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment)
        if let data { configuration.dataDirectory = data }
        if let database { configuration.database = database }
        try configuration.validate()
        return configuration
    }

    /// Runs `body` with an open, migrated store, and closes it after.
    func withCoordinator<T>(
        _ configuration: CoordinatorConfiguration, logger: Logger,
        _ body: (Coordinator) async throws -> T
    ) async throws -> T {
        let store = try await CoordinatorServer.openStore(configuration, logger: logger)
        do {
            let result = try await body(try await configuration.coordinator(store: store))
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// A clean one-line message for configuration and input errors instead of a stack of types.
func reported<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CoordinatorError {
        throw ValidationError(error.message)
    }
}

/// Rows as columns padded to their widest cell, the first row the header.
func printTable(_ rows: [[String]]) {
    let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        print(
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}

func makeLogger(level: String) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        return handler
    }
    return Logger(label: "triage")
}
