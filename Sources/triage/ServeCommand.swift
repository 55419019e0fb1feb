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
            let coordinator = configuration.coordinator(store: storage)
            if let token = try await coordinator.credentials.bootstrapAdminToken() {
                handOver(adminToken: token, dataDirectory: configuration.dataDirectory)
            }
            // Nobody has an account yet: the first admin chooses their password on a one-time page.
            let setupCode = try await coordinator.accounts.setupCode()
            let host = try configuration.listenAddress().host
            let app = try CoordinatorServer.application(
                coordinator: coordinator, configuration: configuration, logger: logger,
                onServerRunning: { channel in
                    let url = "http://\(host):\(channel.localAddress?.port ?? 0)"
                    if let setupCode {
                        say("No one has an account yet. Set up the first admin (this link works once, for 24 hours):\n"
                            + "\(url)/setup?code=\(setupCode)")
                    }
                    say("triage listening on \(url) (\(database))")
                })
            try await app.runService()
        }
    }
}

/// The first admin token goes to a person at a terminal, else into `admin-token` in the data
/// folder (0600, never overwritten): a service's stdout is a journal that others can read for good.
func handOver(adminToken token: String, dataDirectory: String) {
    if isatty(STDOUT_FILENO) == 1 {
        say("Admin token (shown only now, keep it safe):\n\(token)\n")
        return
    }
    let path = (dataDirectory as NSString).appendingPathComponent("admin-token")
    do {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array((token + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        say("Admin token written to \(path) (readable by this user only): read it, keep it safe, delete the file\n")
    } catch {
        let reason = (error as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? "\(error)"
        FileHandle.standardError.write(Data(("triage: could not write the admin token to \(path): \(reason); "
            + "make another with: triage token create --role admin --name admin\n").utf8))
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
