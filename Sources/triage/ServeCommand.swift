import ArgumentParser
import Foundation
import Hummingbird
import TriageCoordinator
import TriageDomain
import TriageStorage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the coordinator: REST API, /metrics, /healthz. SIGTERM stops it gracefully.")

    @OptionGroup var store: StoreOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Address to listen on (default 127.0.0.1:8080; env TRIAGE_LISTEN).",
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
            let coordinator = try await configuration.coordinator(store: storage)
            if let token = try await coordinator.credentials.bootstrapAdminToken() {
                handOver(adminToken: token, dataDirectory: configuration.dataDirectory)
            }
            // Nobody has an account yet: the first admin chooses their password on a one-time page.
            let setupCode = try await coordinator.accounts.setupCode()
            let host = try configuration.listenAddress().host
            let dataDirectory = configuration.dataDirectory
            let app = try CoordinatorServer.application(
                coordinator: coordinator, configuration: configuration, logger: logger,
                onServerRunning: { channel in
                    let url = "http://\(host):\(channel.localAddress?.port ?? 0)"
                    if let setupCode { handOver(setupLink: "\(url)/setup?code=\(setupCode)", dataDirectory: dataDirectory) }
                    say("triage listening on \(url) (\(database))")
                })
            try await app.runService()
        }
    }
}

/// The first admin token goes to a person at a terminal, else into `admin-token` in the data
/// folder (0600, never overwritten): a service's stdout is a journal that others can read for good.
func handOver(adminToken token: String, dataDirectory: String) {
    handOver(
        token, dataDirectory: dataDirectory, file: "admin-token", replacing: false,
        atTerminal: "Admin token (shown only now, keep it safe):\n\(token)\n",
        written: { "Admin token written to \($0) (readable by this user only): read it, keep it safe, delete the file\n" },
        instead: "make another with: triage token create --role admin --name admin")
}

/// The setup link makes the first admin: like the admin token, it goes to a person at a
/// terminal, else into `setup-link` in the data folder (0600; each start's link voids the last,
/// so the file is replaced).
func handOver(setupLink link: String, dataDirectory: String) {
    handOver(
        link, dataDirectory: dataDirectory, file: "setup-link", replacing: true,
        atTerminal: "No one has an account yet. Set up the first admin (this link works once, for 24 hours):\n\(link)",
        written: {
            "No one has an account yet. The link that sets up the first admin (it works once, for 24 hours) "
                + "is in \($0) (readable by this user only)"
        },
        instead: "make the first admin with: triage user create LOGIN --role admin")
}

/// A secret for a person: said at a terminal, else written to `file` in the data folder and
/// stdout names the file; when that fails, stderr says what to do `instead`.
private func handOver(
    _ secret: String, dataDirectory: String, file: String, replacing: Bool, atTerminal: String,
    written: (String) -> String, instead: String
) {
    if isatty(STDOUT_FILENO) == 1 {
        say(atTerminal)
        return
    }
    let path = (dataDirectory as NSString).appendingPathComponent(file)
    do {
        try writePrivateFile(path, secret + "\n", replacing: replacing)
        say(written(path))
    } catch {
        FileHandle.standardError.write(Data("triage: could not write the \(file) file \(path): \(error); \(instead)\n".utf8))
    }
}

/// Writes `text` to a file only this user can read (0600), synced; `replacing` an older one or never.
func writePrivateFile(_ path: String, _ text: String, replacing: Bool) throws {
    func failure() -> Error { CoordinatorError(.configuration, String(cString: strerror(errno))) }
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
    let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (replacing ? O_TRUNC : O_EXCL), 0o600)
    guard fd >= 0 else { throw failure() }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard fchmod(fd, 0o600) == 0, write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else { throw failure() }
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
