import ArgumentParser
import Foundation
import Hummingbird
import TriageCoordinator

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the coordinator: REST API, /metrics, /healthz. SIGTERM stops it gracefully.")

    @OptionGroup var store: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Address to listen on (default 127.0.0.1:8080; env TRIAGE_LISTEN).",
                                            valueName: "host:port"))
    var listen: String?

    func run() async throws {
        try await reported {
            var configuration = try store.configuration()
            if let listen { configuration.listen = listen }
            try configuration.validate()
            let logger = makeLogger(level: configuration.logLevel)
            let database = try configuration.databaseLocation()
            let storage = try await CoordinatorServer.openStore(configuration, logger: logger)
            let coordinator = Coordinator(store: storage, sla: configuration.sla, assignment: configuration.assignment, health: configuration.health, visits: configuration.visits)
            if let token = try await coordinator.bootstrapAdminToken() {
                say("Admin token (shown only now, keep it safe):\n\(token)\n")
            }
            let host = try configuration.listenAddress().host
            let app = try CoordinatorServer.application(
                coordinator: coordinator, configuration: configuration, logger: logger,
                onServerRunning: { channel in
                    say("triage listening on http://\(host):\(channel.localAddress?.port ?? 0) (\(database))")
                })
            try await app.runService()
        }
    }
}

/// Unbuffered, so a supervisor or test reading the pipe sees each line at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reported {
            let configuration = try store.configuration()
            let logger = makeLogger(level: configuration.logLevel)
            // Opening the store applies the migrations it lacks.
            try await store.withCoordinator(configuration, logger: logger) { _ in }
            print("database \(try configuration.databaseLocation()) is up to date")
        }
    }
}
