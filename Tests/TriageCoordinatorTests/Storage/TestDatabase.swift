import Foundation
import Logging
import TestSupport
import TriageAPI
import TriageBoard
import TriageCoordinator
import TriageDomain
import TriageEdge
import TriageMailTransport
import TriageStorage

/// The database a test runs on: a SQLite file in its folder, or — when TRIAGE_TEST_POSTGRES names
/// a PostgreSQL server (`postgres://USER@HOST:PORT/postgres?sslmode=disable`, as Tests/Live/run.sh
/// sets it) — a database of its own on that server, created empty and dropped afterwards. The
/// same tests thus prove both stores.
struct TestDatabase: Sendable {
    static let server: String? = ProcessInfo.processInfo.environment["TRIAGE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static var isPostgres: Bool { server != nil }

    /// For `CoordinatorConfiguration.database`: nil is SQLite in the data folder.
    let url: String?
    private let name: String?

    init() throws {
        guard let server = Self.server else {
            (url, name) = (nil, nil)
            return
        }
        let name = "triage_t_" + UUID().uuidString.prefix(13).lowercased().replacingOccurrences(of: "-", with: "")
        try Self.psql(server, "CREATE DATABASE \(name)")
        guard var parts = URLComponents(string: server) else { throw TestSupportError("TRIAGE_TEST_POSTGRES is not a URL") }
        parts.path = "/" + name
        (url, self.name) = (parts.string, name)
    }

    /// Opens (and migrates) the store, in `folder` when it is SQLite.
    func open(in folder: TempFolder, file: String = "t.db") async throws -> any TriageStore {
        var configuration = CoordinatorConfiguration()
        configuration.dataDirectory = folder.path
        configuration.database = url ?? folder.path + "/" + file
        return try await CoordinatorServer.openStore(configuration, logger: Logger(label: "test"))
    }

    func drop() {
        guard let server = Self.server, let name else { return }
        _ = try? Self.psql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs SQL on this test's own PostgreSQL database.
    @discardableResult
    func sql(_ statement: String) throws -> String {
        guard let url else { throw TestSupportError("not a PostgreSQL test database") }
        return try Self.psql(url, statement)
    }

    @discardableResult
    static func psql(_ url: String, _ statement: String) throws -> String {
        let result = try Shell.run("/usr/bin/psql", [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", statement])
        guard result.status == 0 else { throw TestSupportError("psql \(statement): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
