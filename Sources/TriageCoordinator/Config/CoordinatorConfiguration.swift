import Foundation
import TriageAPI
import TriageBoard
import TriageDomain
import TriageEdge
import TriageMailTransport
import TriageStorage
import Yams

/// Everything `triage` can be told. Defaults need no file: ./triage-data, SQLite, 127.0.0.1:8080.
/// Precedence: defaults < YAML file (`--config`) < environment (TRIAGE_*) < flags.
public struct CoordinatorConfiguration: Sendable, Equatable {
    /// HOST:PORT to listen on; port 0 picks a free one.
    public var listen = "127.0.0.1:8080"
    /// Where the SQLite database and other state live.
    public var dataDirectory = "triage-data"
    /// `sqlite:PATH` (or a plain path), or `postgres://…`; nil means `triage.db` in the data directory.
    public var database: String?
    public var sqliteSynchronous = SQLiteStore.Synchronous.normal
    /// Larger request bodies get 413.
    public var maxBodyBytes = 1 << 20
    public var sla = SLAPolicy.standard
    public var assignment = AssignmentPolicy()
    public var health = HealthPolicy()
    public var visits = VisitPolicy()
    public var board = BoardPolicy()
    public var accounts = AccountPolicy()
    public var http = HTTPPolicy()
    public var jobs = JobPolicy()
    public var mail = MailPolicy()
    public var webhooks = WebhookPolicy()
    public var alertmanager = AlertmanagerPolicy()
    public var logLevel = "info"
    /// How often the SLA scheduler looks for warnings and breaches.
    public var slaCheckSeconds = 30
    public var limits = StoreLimits()
    /// The file with the key that seals secrets in the store; nil is `secret-key` in the data folder.
    public var secretKeyFile: String?
    /// The key itself (TRIAGE_SECRET_KEY, base64): for instances that share a PostgreSQL database.
    public var secretKey: String?

    public init() {}

    /// The domain with this configuration's policies over `store`, its secrets sealed with the
    /// configured key (those stored before sealing existed are sealed now).
    public func coordinator(store: any TriageStore) async throws -> Coordinator {
        // A store whose secrets are sealed already needs its key: making a new one would lock them out.
        let sealed = try await store.read { try await $0.serverSecrets()[Accounts.keyCheck] != nil }
        let key = try SecretKeySource.load(
            environment: secretKey, file: secretKeyFile ?? (dataDirectory as NSString).appendingPathComponent("secret-key"),
            mayCreate: !sealed)
        let coordinator = Coordinator(
            store: store, sla: sla, assignment: assignment, health: health, visits: visits, accounts: accounts,
            jobs: jobs, mail: mail, webhooks: webhooks, alertmanager: alertmanager, limits: limits, sealer: SecretSealer(key: key))
        try await coordinator.accounts.sealStoredSecrets()
        return coordinator
    }

    /// Where the store is, resolved from `database` and `dataDirectory`.
    public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
        case sqlite(path: String)
        case postgres(url: String)

        /// Where, without a password.
        public var description: String {
            switch self {
            case .sqlite(let path): "SQLite \(path)"
            case .postgres(let url): (try? PostgresLocation(url: url).description) ?? PostgresLocation.redacted(url)
            }
        }
    }

    public func databaseLocation() throws -> DatabaseLocation {
        guard let database, !database.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent("triage.db"))
        }
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            _ = try PostgresLocation(url: database)
            return .postgres(url: database)
        }
        if database.hasPrefix("sqlite://") { return .sqlite(path: String(database.dropFirst("sqlite://".count))) }
        if database.hasPrefix("sqlite:") { return .sqlite(path: String(database.dropFirst("sqlite:".count))) }
        if database.contains("://") {
            throw CoordinatorError(.configuration, "--database \(database): expected sqlite:PATH or postgres://USER@HOST/DATABASE")
        }
        return .sqlite(path: database)
    }

    public func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw CoordinatorError(.configuration, "listen '\(listen)' is not HOST:PORT") }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    public func validate() throws {
        _ = try listenAddress()
        _ = try databaseLocation()
        try sla.validate()
        try assignment.validate()
        try health.validate()
        try visits.validate()
        try board.validate()
        try accounts.validate()
        try http.validate()
        try jobs.validate()
        try mail.validate()
        try webhooks.validate()
        try alertmanager.validate()
        if slaCheckSeconds < 1 { throw CoordinatorError(.configuration, "slaCheckSeconds must be at least 1") }
        if maxBodyBytes < 1024 { throw CoordinatorError(.configuration, "maxBodyBytes must be at least 1024") }
        if !(1...100_000).contains(limits.maxDiagnosticsPerTicket) {
            throw CoordinatorError(.configuration, "maxDiagnosticsPerTicket must be 1…100000")
        }
    }

    // MARK: Loading

    private struct File: Decodable {
        var listen: String?
        var data: String?
        var database: String?
        var sqlite: SQLite?
        var maxBodyBytes: Int?
        var logLevel: String?
        var sla: SLAPolicy?
        var assignment: AssignmentPolicy?
        var health: HealthPolicy?
        var visits: VisitPolicy?
        var board: BoardPolicy?
        var accounts: AccountPolicy?
        var http: HTTPPolicy?
        var jobs: JobPolicy?
        var mail: MailPolicy?
        var webhooks: WebhookPolicy?
        var alertmanager: AlertmanagerPolicy?
        var slaCheckSeconds: Int?
        var maxDiagnosticsPerTicket: Int?
        var secretKeyFile: String?

        struct SQLite: Decodable { var synchronous: SQLiteStore.Synchronous? }
        static let keys: Set<String> = [
            "listen", "data", "database", "sqlite", "maxBodyBytes", "logLevel", "sla", "assignment", "health", "visits", "board",
            "accounts", "http", "jobs", "mail", "webhooks", "alertmanager", "slaCheckSeconds", "maxDiagnosticsPerTicket", "secretKeyFile",
        ]
    }

    /// Applies a YAML file, then the TRIAGE_LISTEN, TRIAGE_DATA and TRIAGE_DATABASE variables.
    public static func load(file: String?, environment: [String: String]) throws -> CoordinatorConfiguration {
        var configuration = CoordinatorConfiguration()
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw CoordinatorError(.configuration, "cannot read \(file): \(error.localizedDescription)")
            }
            try configuration.apply(yaml: text, name: file)
        }
        if let listen = environment["TRIAGE_LISTEN"] { configuration.listen = listen }
        if let data = environment["TRIAGE_DATA"] { configuration.dataDirectory = data }
        if let database = environment["TRIAGE_DATABASE"] { configuration.database = database }
        if let key = environment["TRIAGE_SECRET_KEY"], !key.isEmpty { configuration.secretKey = key }
        return configuration
    }

    mutating func apply(yaml text: String, name: String) throws {
        let parsed: File
        do {
            if let top = try Yams.load(yaml: text) as? [String: Any] {
                let unknown = Set(top.keys).subtracting(File.keys).sorted()
                if !unknown.isEmpty {
                    throw CoordinatorError(
                        .configuration,
                        "\(name): unknown key \(unknown.joined(separator: ", ")) "
                            + "(known: \(File.keys.sorted().joined(separator: ", ")))")
                }
            }
            parsed = try YAMLDecoder().decode(File.self, from: text)
        } catch let error as CoordinatorError {
            throw error
        } catch {
            throw CoordinatorError(.configuration, "\(name): \(error)")
        }
        if let value = parsed.listen { listen = value }
        if let value = parsed.data { dataDirectory = value }
        if let value = parsed.database { database = value }
        if let value = parsed.sqlite?.synchronous { sqliteSynchronous = value }
        if let value = parsed.maxBodyBytes { maxBodyBytes = value }
        if let value = parsed.logLevel { logLevel = value }
        if let value = parsed.sla { sla = value }
        if let value = parsed.assignment { assignment = value }
        if let value = parsed.health { health = value }
        if let value = parsed.visits { visits = value }
        if let value = parsed.board { board = value }
        if let value = parsed.accounts { accounts = value }
        if let value = parsed.http { http = value }
        if let value = parsed.jobs { jobs = value }
        if let value = parsed.mail { mail = value }
        if let value = parsed.webhooks { webhooks = value }
        if let value = parsed.alertmanager { alertmanager = value }
        if let value = parsed.slaCheckSeconds { slaCheckSeconds = value }
        if let value = parsed.maxDiagnosticsPerTicket { limits.maxDiagnosticsPerTicket = value }
        if let value = parsed.secretKeyFile { secretKeyFile = value }
    }
}
