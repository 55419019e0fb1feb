import Foundation
import TestSupport
import Testing

/// A coordinator whose PostgreSQL goes away and comes back: requests fail with 503 and a message
/// that names the database (no hang, no 500), and the coordinator serves again once it is back.
/// Needs a server of its own to stop, so it starts one (Deploy/lib/throwaway-postgres.sh); runs
/// with the PostgreSQL tests (TRIAGE_TEST_POSTGRES).
@Suite(.enabled(if: TestDatabase.isPostgres, "needs TRIAGE_TEST_POSTGRES"))
struct PostgresOutageTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy/lib/throwaway-postgres.sh").path

    static func postgres(_ arguments: [String]) throws -> String {
        let result = try Shell.run("/bin/bash", [script] + arguments)
        guard result.status == 0 else { throw TestSupportError("throwaway-postgres.sh \(arguments): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func anOutageIsA503NamingTheDatabaseAndServiceResumesAfterIt() throws {
        // Under /tmp, which the postgres user can enter (a TempFolder is private to root).
        let cluster = "/tmp/triage-outage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: cluster, withIntermediateDirectories: false)
        defer {
            _ = try? Self.postgres(["stop", cluster])
            try? FileManager.default.removeItem(atPath: cluster)
        }
        let url = try Self.postgres(["start", cluster])
        let folder = try TempFolder()
        let server = try TriageServe(folder, ["--database", url])
        defer { server.process.terminate() }
        #expect(try server.request("POST", "/api/v1/customers", #"{"name": "before"}"#).status == 201)

        _ = try Self.postgres(["stop", cluster])
        let started = Date()
        let during = try server.request("POST", "/api/v1/customers", #"{"name": "during"}"#)
        let waited = Date().timeIntervalSince(started)
        #expect(during.status == 503, "\(during)")
        let error = during.json["error"] as? [String: Any]
        #expect(error?["code"] as? String == "unavailable")
        let message = error?["message"] as? String ?? ""
        #expect(message.contains("PostgreSQL postgres@127.0.0.1"), "\(during.json)")
        #expect(waited < 15, "the answer took \(waited) s")

        _ = try Self.postgres(["resume", cluster])
        var after = try server.request("POST", "/api/v1/customers", #"{"name": "after"}"#).status
        let deadline = Date() + 30
        while after != 201 && Date() < deadline {
            usleep(500_000)
            after = try server.request("POST", "/api/v1/customers", #"{"name": "after"}"#).status
        }
        #expect(after == 201, "the coordinator did not serve again after the database came back")
        let names = try server.request("GET", "/api/v1/customers").json["items"] as? [[String: Any]] ?? []
        #expect(names.compactMap { $0["name"] as? String } == ["before", "after"])
    }
}
