import Foundation
import TestSupport
import Testing

/// A coordinator whose PostgreSQL goes away and comes back: requests fail with 503 and a message
/// that names the database (no hang, no 500), and the coordinator serves again once it is back.
/// Needs a server of its own to stop, so it starts one (Deploy/lib/throwaway-postgres.sh); runs
/// with the PostgreSQL tests (TRIAGE_TEST_POSTGRES).
@Suite(.enabled(if: TestDatabase.isPostgres, "needs TRIAGE_TEST_POSTGRES"))
struct PostgresOutageTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
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
        // A board open in a browser, live.
        try server.createUser("dora", role: "dispatcher", password: "dora dispatches all day", database: url)
        let jar = folder.path + "/jar"
        #expect(try server.signIn("dora", password: "dora dispatches all day", jar: jar) == 303)
        let stream = try EventStream(server.url + "/board/live", jar: jar, folder: folder)
        #expect(stream.waitFor(": live", seconds: 5))

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
        // Past a heartbeat (every 10 s) whose session check found no database (after the pool's 10 s
        // wait for a connection): the live stream stays open, its session is not "ended".
        usleep(UInt32(max(0, 26 - Date().timeIntervalSince(started)) * 1_000_000))
        #expect(stream.process.isRunning && !stream.text.contains("event: ended"), "\(stream.text)")

        _ = try Self.postgres(["resume", cluster])
        var after = try server.request("POST", "/api/v1/customers", #"{"name": "after"}"#).status
        let deadline = Date() + 30
        while after != 201 && Date() < deadline {
            usleep(500_000)
            after = try server.request("POST", "/api/v1/customers", #"{"name": "after"}"#).status
        }
        #expect(after == 201, "the coordinator did not serve again after the database came back")
        // The live feed reads again: a ticket opened now reaches the stream.
        let ticket = try server.request("POST", "/api/v1/tickets", #"{"title": "after the outage"}"#).json["id"] as? Int ?? 0
        #expect(stream.waitFor("data: {\"tickets\": [\(ticket)]}", seconds: 5), "\(stream.text)")
        let names = try server.request("GET", "/api/v1/customers").json["items"] as? [[String: Any]] ?? []
        #expect(names.compactMap { $0["name"] as? String } == ["before", "after"])
    }

    /// The answer to a booking's COMMIT is lost (a TCP proxy drops it and cuts the connection):
    /// the client gets an error, retries with its Idempotency-Key once the database answers again,
    /// and there is exactly one visit — the retry replays the first answer, stored in the same
    /// transaction as the visit.
    /// (It found that such a request never answered at all, and then held up SIGTERM: the failed
    /// transaction sent ROLLBACK on the lost connection, and that query's await never resumed.)
    @Test func aBookingWhoseCommitAnswerIsLostIsRetriedIntoOneVisit() throws {
        let database = try TestDatabase()
        defer { database.drop() }
        let url = try #require(database.url)
        let target = try #require(Int(url.firstMatch(of: /@[^:\/]+:(\d+)\//).map { String($0.1) } ?? ""))
        let proxy = try TCPProxy(to: target)
        let proxied = url.replacingOccurrences(of: ":\(target)/", with: ":\(proxy.port)/")
        let folder = try TempFolder()
        let server = try TriageServe(folder, ["--database", proxied])
        defer { server.process.terminate() }
        let shifts = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        for (path, json) in [
            ("/api/v1/customers", #"{"name": "Acme"}"#), ("/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#),
            ("/api/v1/hosts", #"{"siteId": 1, "name": "web1"}"#),
            ("/api/v1/technicians", #"{"name": "Vera", "shifts": [\#(shifts)]}"#),
            ("/api/v1/tickets", #"{"title": "RAID degraded", "severity": 3, "hostId": 1}"#),
        ] {
            #expect(try server.request("POST", path, json).status == 201, "\(path)")
        }
        let day = InternetDay.inAWeek
        let booking = #"{"ticketId": 1, "technicianId": 1, "start": "\#(day)T09:00:00Z", "end": "\#(day)T10:00:00Z"}"#
        func book() throws -> (status: Int, replayed: Bool) {
            let result = try TriageServe.curl([
                "-m", "60", "-X", "POST", server.url + "/api/v1/visits", "-D", "-", "-H", "Authorization: Bearer \(server.adminToken)",
                "-H", "Content-Type: application/json", "-H", "Idempotency-Key: book-once", "-d", booking,
            ])
            return (
                Int(result.stdout.split(separator: "\n").last ?? "") ?? 0, result.stdout.lowercased().contains("idempotent-replayed: true")
            )
        }
        proxy.arm(cutAfter: "COMMIT")
        let first = try book()
        #expect(proxy.cuts == 1)
        #expect(first.status >= 500, "the client saw the commit's answer lost: \(first)")
        var retry = try book()
        let deadline = Date() + 30
        while retry.status >= 500 && Date() < deadline {
            usleep(300_000)
            retry = try book()
        }
        #expect(retry.status == 201 && retry.replayed, "\(retry)")
        #expect(try database.sql("SELECT count(*) FROM visits").trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(
            try database.sql("SELECT count(*) FROM ticket_events WHERE type = 'visit_booked'")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}
