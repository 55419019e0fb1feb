import Foundation
import TestSupport
import Testing

/// Two `triage serve` processes on one PostgreSQL database, as behind a load balancer: what one
/// instance decides holds on the other. Runs when TRIAGE_TEST_POSTGRES is set (Tests/Live/run.sh).
@Suite(.enabled(if: TestDatabase.isPostgres, "needs TRIAGE_TEST_POSTGRES"), .serialized)
struct MultiInstanceTests {
    /// Instance A (first: it prints the admin token) and B, each with its own folder and stderr.
    struct Pair {
        let database: TestDatabase
        let folders: [TempFolder]
        let a: TriageServe
        let b: TriageServe
        var token: String { a.adminToken }

        init(config: String = "") throws {
            database = try TestDatabase()
            folders = [try TempFolder(), try TempFolder()]
            var servers: [TriageServe] = []
            // The instances of one database share the key that seals its secrets (docs/deployment.md).
            let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            for folder in folders {
                let file = folder.path + "/triage.yaml"
                try "database: \(database.url!)\n\(config)".write(toFile: file, atomically: true, encoding: .utf8)
                servers.append(try TriageServe(folder, ["--config", file], environment: ["TRIAGE_SECRET_KEY": key]))
            }
            (a, b) = (servers[0], servers[1])
        }

        func stop() {
            a.process.terminate()
            b.process.terminate()
            database.drop()
        }
    }

    /// One curl running every request at once (`--parallel`): status and body of each, in order.
    static func parallel(_ requests: [(url: String, method: String, json: String, headers: [String])]) throws -> [(
        status: Int, body: String
    )] {
        let folder = try TempFolder()
        var arguments = ["--parallel", "--parallel-immediate", "--parallel-max", "\(requests.count)"]
        for (index, request) in requests.enumerated() {
            if index > 0 { arguments.append("--next") }
            arguments += [
                "-s", "-X", request.method, "-H", "Content-Type: application/json", "-d", request.json,
                "-o", folder.path + "/\(index).body", "-w", "\(index) %{http_code}\n", request.url,
            ]
            for header in request.headers { arguments += ["-H", header] }
        }
        let output = try Shell.run("/usr/bin/curl", arguments)
        var statuses: [Int: Int] = [:]
        for line in output.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ").compactMap { Int($0) }
            if parts.count == 2 { statuses[parts[0]] = parts[1] }
        }
        return requests.indices.map { index in
            (statuses[index] ?? 0, (try? String(contentsOfFile: folder.path + "/\(index).body", encoding: .utf8)) ?? "")
        }
    }

    @Test func conflictingBookingsOnTwoInstancesLeaveExactlyOneVisit() throws {
        let pair = try Pair()
        defer { pair.stop() }
        #expect(!pair.token.isEmpty && pair.b.adminToken.isEmpty, "only the first start makes an admin token")
        let shifts = (1...7).map { #"{"weekday": \#($0), "start": "06:00", "end": "20:00"}"# }.joined(separator: ",")
        let setup: [(String, String)] = [
            ("/api/v1/customers", #"{"name": "Acme"}"#), ("/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#),
            ("/api/v1/hosts", #"{"siteId": 1, "name": "web1"}"#),
            ("/api/v1/technicians", #"{"name": "Vera", "shifts": [\#(shifts)]}"#),
            ("/api/v1/tickets", #"{"title": "RAID degraded", "severity": 3, "hostId": 1}"#),
        ]
        for (index, (path, json)) in setup.enumerated() {
            // Alternate instances: each sees what the other wrote.
            let server = index % 2 == 0 ? pair.a : pair.b
            let reply = try server.request("POST", path, json, token: pair.token)
            #expect(reply.status == 201 && reply.json["id"] as? Int == 1, "\(path): \(reply)")
        }
        // Twenty overlapping windows for the same technician, ten through each instance, all at once.
        let day = InternetDay.inAWeek
        let requests = (0..<20).map { index in
            // 09:00–12:00, 09:05–12:05, … 10:35–13:35: every window overlaps every other.
            let start = String(format: "%@T%02d:%02d:00Z", String(day), 9 + index * 5 / 60, index * 5 % 60)
            let end = String(format: "%@T%02d:%02d:00Z", String(day), 12 + index * 5 / 60, index * 5 % 60)
            let server = index % 2 == 0 ? pair.a : pair.b
            return (
                url: server.url + "/api/v1/visits", method: "POST",
                json: #"{"ticketId": 1, "technicianId": 1, "start": "\#(start)", "end": "\#(end)"}"#,
                headers: ["Authorization: Bearer \(pair.token)"]
            )
        }
        let replies = try Self.parallel(requests)
        #expect(replies.filter { $0.status == 201 }.count == 1, "\(replies.map(\.status))")
        #expect(replies.filter { $0.status == 409 }.count == 19, "\(replies.map(\.status))")
        // Each refusal names the visit that was booked (its id need not be 1: transactions that lost
        // a race and ran again used up sequence numbers).
        let booked = replies.first { $0.status == 201 }?.body.firstMatch(of: /"id":(\d+),/)?.1 ?? "none"
        #expect(replies.filter { $0.status == 409 }.allSatisfy { $0.body.contains("has visit \(booked) ") }, "\(replies.map(\.body))")
        let visits = try pair.database.sql("SELECT count(*) FROM visits")
        #expect(visits == "1")
    }

    @Test func idempotencyKeysAndBoardSessionsWorkOnEitherInstance() throws {
        let pair = try Pair()
        defer { pair.stop() }
        let auth = "Authorization: Bearer \(pair.token)"
        // A retry through the other instance gets the first answer back.
        func post(_ server: TriageServe, key: String, title: String) throws -> (status: Int, body: String, replayed: Bool) {
            let output = try TriageServe.curl([
                "-i", "-X", "POST", server.url + "/api/v1/tickets", "-H", auth, "-H", "Idempotency-Key: \(key)",
                "-H", "Content-Type: application/json", "-d", #"{"title": "\#(title)", "severity": 3}"#,
            ])
            let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (
                Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"),
                output.stdout.lowercased().contains("idempotent-replayed: true")
            )
        }
        let first = try post(pair.a, key: "k-1", title: "printer jam")
        let retry = try post(pair.b, key: "k-1", title: "printer jam")
        #expect(first.status == 201 && !first.replayed)
        #expect(retry.status == 201 && retry.replayed && retry.body.contains(#""id":1,"#), "\(retry.body)")
        let reused = try post(pair.b, key: "k-1", title: "another thing")
        #expect(reused.status == 422, "\(reused.body)")

        // The same key sent ten times at once through both instances opens one ticket.
        let replies = try Self.parallel(
            (0..<10).map { index in
                (
                    url: (index % 2 == 0 ? pair.a : pair.b).url + "/api/v1/tickets", method: "POST",
                    json: #"{"title": "scanner offline", "severity": 3}"#, headers: [auth, "Idempotency-Key: k-2"]
                )
            })
        // (The id need not be 2: transactions that lost the race and ran again used up sequence numbers.)
        let ids = Set(replies.map { $0.body.firstMatch(of: /"id":(\d+),/)?.1 ?? "none" })
        #expect(replies.allSatisfy { $0.status == 201 } && ids.count == 1 && !ids.contains("none"), "\(replies.map(\.status)) \(ids)")
        #expect(try pair.database.sql("SELECT count(*) FROM tickets") == "2")

        // A sign-in on A is a session on B; signing out on B ends it on A.
        try pair.a.createUser(
            "dora", role: "dispatcher", password: "dora dispatches all day", config: pair.folders[0].path + "/triage.yaml")
        let jar = pair.folders[0].path + "/cookies"
        #expect(try pair.a.signIn("dora", password: "dora dispatches all day", jar: jar) == 303)
        let onB = try TriageServe.curl(["-b", jar, pair.b.url + "/board"])
        #expect(onB.stdout.hasSuffix("200") && onB.stdout.contains("scanner offline"), "\(onB.stdout.suffix(200))")
        let page = try TriageServe.curl(["-c", jar, "-b", jar, pair.b.url + "/board"]).stdout
        let logoutCSRF = page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1 ?? ""
        _ = try TriageServe.curl(["-c", jar, "-b", jar, "--data-urlencode", "csrf=\(logoutCSRF)", pair.b.url + "/board/logout"])
        let after = try TriageServe.curl(["-b", jar, pair.a.url + "/board"])
        #expect(after.stdout.hasSuffix("303"), "\(after.stdout.suffix(200))")
    }

    @Test func theSLASchedulerRunsOnOneInstanceAndAnotherTakesOverWhenItIsKilled() throws {
        // Checks every second, so the lease is three seconds long.
        let pair = try Pair(config: "slaCheckSeconds: 1\n")
        defer { pair.stop() }
        let pids = [pair.a.process.pid, pair.b.process.pid]
        func holder() throws -> (pid: pid_t, expires: Int)? {
            let row = try pair.database.sql("SELECT holder || ' ' || expires_at FROM leases WHERE name = 'sla-scheduler'")
            let parts = row.split(separator: " ")
            guard parts.count == 2, let expires = Int(parts[1]) else { return nil }
            return (pid_t(parts[0].split(separator: ":").dropFirst().first ?? "") ?? 0, expires)
        }
        func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date() + seconds
            while Date() < deadline {
                if try condition() { return true }
                usleep(100_000)
            }
            return false
        }
        #expect(try waitFor(10) { try holder() != nil })
        let first = try #require(try holder())
        #expect(pids.contains(first.pid))
        // For four seconds (more than a lease) one instance holds it and keeps renewing it.
        var renewals = Set<Int>()
        for _ in 0..<20 {
            let now = try #require(try holder())
            #expect(now.pid == first.pid)
            renewals.insert(now.expires)
            usleep(200_000)
        }
        #expect(renewals.count >= 3, "the holder renews its lease every check: \(renewals.sorted())")

        let holderProcess = first.pid == pair.a.process.pid ? pair.a.process : pair.b.process
        kill(first.pid, SIGKILL)
        _ = holderProcess.wait()
        let other = pids.first { $0 != first.pid }!
        // The lease runs out (≤ 3 s) and the survivor's next check (≤ 1 s) takes it.
        let killedAt = Date()
        #expect(try waitFor(10) { try holder()?.pid == other })
        #expect(Date().timeIntervalSince(killedAt) < 6)
    }

    /// A browser on instance B hears of changes made through A: the feed follows the shared events
    /// table, not this process's memory. Many writes at once through both instances (PostgreSQL
    /// commits them out of id order) each reach the stream.
    @Test func aBrowserOnOneInstanceHearsOfChangesMadeThroughTheOther() throws {
        let pair = try Pair()
        defer { pair.stop() }
        try pair.a.createUser(
            "dora", role: "dispatcher", password: "dora dispatches all day", config: pair.folders[0].path + "/triage.yaml")
        let jar = pair.folders[1].path + "/cookies"
        #expect(try pair.b.signIn("dora", password: "dora dispatches all day", jar: jar) == 303)
        let stream = try EventStream(pair.b.url + "/board/live", jar: jar, folder: pair.folders[1])
        #expect(stream.waitFor(": live", seconds: 5))
        let created = try pair.a.request("POST", "/api/v1/tickets", #"{"title": "VPN down", "severity": 1}"#, token: pair.token)
        let id = try #require(created.json["id"] as? Int)
        #expect(stream.waitFor("data: {\"tickets\": [\(id)]}", seconds: 5), "\(stream.text)")

        let replies = try Self.parallel(
            (0..<20).map { index in
                (
                    url: (index % 2 == 0 ? pair.a : pair.b).url + "/api/v1/tickets", method: "POST",
                    json: #"{"title": "burst \#(index)", "severity": 4}"#, headers: ["Authorization: Bearer \(pair.token)"]
                )
            })
        let ids = replies.compactMap { $0.body.firstMatch(of: /"id":(\d+),/).flatMap { Int($0.1) } }
        #expect(ids.count == 20, "\(replies.map(\.status))")
        #expect(
            stream.waitUntil(seconds: 5) { text in
                let heard = Set(
                    text.matches(of: /data: \{"tickets": \[([0-9,]*)\]\}/).flatMap { $0.1.split(separator: ",").compactMap { Int($0) } })
                return Set(ids).isSubset(of: heard)
            }, "every ticket opened through either instance: \(ids) in \(stream.text)")
    }

    /// A job queued through A reaches an agent long-polling B (the bell reads the shared table
    /// four times a second), and of two collectors polling A and B for one job, one gets it.
    @Test func aJobQueuedOnOneInstanceReachesARunnerWaitingOnTheOther() throws {
        let pair = try Pair()
        defer { pair.stop() }
        let config = pair.folders[0].path + "/triage.yaml"
        _ = try pair.a.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#, token: pair.token)
        _ = try pair.a.request("POST", "/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#, token: pair.token)
        _ = try pair.a.request("POST", "/api/v1/hosts", #"{"siteId": 1, "name": "web1"}"#, token: pair.token)
        func token(_ arguments: [String]) throws -> String {
            try Shell.run(builtProduct("triage"), ["token", "create", "--config", config] + arguments, environment: pair.a.environment)
                .stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let agent = try token(["--role", "agent", "--name", "web1-agent", "--host", "web1"])
        let ticket = try #require(
            try pair.a.request("POST", "/api/v1/tickets", #"{"title": "web1", "hostId": 1}"#, token: pair.token)
                .json["id"] as? Int)
        /// A long poll in a curl of its own: its answer in `name`, and when it came in `name.time`.
        func poll(_ server: TriageServe, _ secret: String, _ name: String, wait: Int) throws -> ChildProcess {
            let out = pair.folders[1].path + "/" + name
            return try ChildProcess(
                "/usr/bin/curl",
                [
                    "-s", "-o", out, "-w", "%{http_code}", server.url + "/api/v1/agent/jobs?wait=\(wait)",
                    "-H", "Authorization: Bearer \(secret)",
                ], stdout: out + ".status")
        }
        func answer(_ name: String) -> (status: String, body: String) {
            let path = pair.folders[1].path + "/" + name
            return (
                (try? String(contentsOfFile: path + ".status", encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            )
        }

        /// Until `server`'s /metrics says `count` long polls wait (not a guess of how long that takes).
        func pollsWaiting(_ server: TriageServe, _ count: Int) throws {
            let line = "triage_jobs_polls_waiting \(count).0"
            for _ in 0..<200 {
                if try TriageServe.curl(["-s", server.url + "/metrics"]).stdout.contains(line) { return }
                usleep(50_000)
            }
            Issue.record("\(server.url) never had \(count) long poll(s) waiting")
        }

        let waiting = try poll(pair.b, agent, "agent", wait: 20)
        try pollsWaiting(pair.b, 1)
        let queuedAt = Date()
        let job = try #require(
            try pair.a.request("POST", "/api/v1/tickets/\(ticket)/diagnoses", "{}", token: pair.token).json["id"] as? Int)
        _ = waiting.wait()
        let latency = Date().timeIntervalSince(queuedAt)
        let reply = answer("agent")
        #expect(reply.status == "200" && reply.body.contains(#""id":\#(job),"#), "\(reply)")
        #expect(latency < 2, "queued on A at \(queuedAt), leased on B \(latency) s later")
        print("job queued on A reached the agent waiting on B in \(Int(latency * 1000)) ms")

        // Two collectors, one on each instance, race for one job: exactly one holds it.
        _ = try pair.a.request(
            "POST", "/api/v1/jobs/\(job)/result?lease=1",
            #"{"id": "5E1F3C2A-0000-4000-8000-0000000000AA", "host": "web1", "startedAt": "2026-11-18T11:00:00Z", "durationMs": 5, "agentVersion": "t", "status": "ok", "checks": [{"plugin": "disk", "item": "fs /", "status": "ok", "summary": "fine", "metrics": [], "durationMs": 1}], "recommendation": {"onsite": false, "vendors": [], "reasons": []}, "errors": []}"#,
            token: agent)
        let east = try token(["--role", "collector", "--name", "dc-east", "--site", "1"])
        let west = try token(["--role", "collector", "--name", "dc-west", "--site", "1"])
        let racers = [try poll(pair.a, east, "east", wait: 4), try poll(pair.b, west, "west", wait: 4)]
        try pollsWaiting(pair.a, 1)
        try pollsWaiting(pair.b, 1)
        let second = try #require(
            try pair.b.request("POST", "/api/v1/tickets/\(ticket)/diagnoses", "{}", token: pair.token).json["id"] as? Int)
        for racer in racers { _ = racer.wait() }
        let statuses = [answer("east").status, answer("west").status].sorted()
        #expect(statuses == ["200", "204"], "\(answer("east")) \(answer("west"))")
        let held = try pair.a.request("GET", "/api/v1/jobs/\(second)", token: pair.token).json
        #expect(held["lease"] as? Int == 1 && held["state"] as? String == "leased", "\(held)")
    }

    /// An event whose transaction commits after a later one (a slow writer holding an id from the
    /// sequence) still reaches the stream: the feed asks again for the ids it jumped over.
    @Test func anEventThatCommitsAfterALaterOneStillReachesTheStream() throws {
        let pair = try Pair()
        defer { pair.stop() }
        try pair.a.createUser(
            "dora", role: "dispatcher", password: "dora dispatches all day", config: pair.folders[0].path + "/triage.yaml")
        let slowTicket = try #require(
            try pair.a.request("POST", "/api/v1/tickets", #"{"title": "slow"}"#, token: pair.token).json["id"] as? Int)
        let fastTicket = try #require(
            try pair.a.request("POST", "/api/v1/tickets", #"{"title": "fast"}"#, token: pair.token).json["id"] as? Int)
        let jar = pair.folders[0].path + "/cookies"
        #expect(try pair.a.signIn("dora", password: "dora dispatches all day", jar: jar) == 303)
        let stream = try EventStream(pair.a.url + "/board/live", jar: jar, folder: pair.folders[0])
        #expect(stream.waitFor(": live", seconds: 5))

        // A writer takes the next event id and holds its transaction open for four seconds.
        let slow = try ChildProcess(
            "/usr/bin/psql",
            [
                pair.database.url!, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                """
                BEGIN; INSERT INTO ticket_events (ticket_id, type, actor, at, data)
                  VALUES (\(slowTicket), 'comment_added', 'admin:psql', 0, '{"body": "slow", "visibility": "internal"}');
                SELECT pg_sleep(4); COMMIT;
                """,
            ], stdout: pair.folders[0].path + "/psql.out", stderr: pair.folders[0].path + "/psql.err")
        usleep(1_000_000)
        // Meanwhile a later id commits at once, and the stream reports it.
        _ = try pair.a.request(
            "POST", "/api/v1/tickets/\(fastTicket)/comments", #"{"body": "fast", "visibility": "internal"}"#, token: pair.token)
        #expect(stream.waitFor("data: {\"tickets\": [\(fastTicket)]}", seconds: 3), "\(stream.text)")
        #expect(!stream.text.contains("[\(slowTicket)]"), "the slow writer has not committed yet")
        #expect(slow.wait() == 0, "\((try? String(contentsOfFile: pair.folders[0].path + "/psql.err", encoding: .utf8)) ?? "")")
        #expect(stream.waitFor("data: {\"tickets\": [\(slowTicket)]}", seconds: 3), "the earlier id, committed later: \(stream.text)")
    }

    /// Two instances send one outbox: each reply, and each notification of the ticket's assignment,
    /// goes out once, also the one whose instance is SIGKILLed while the server holds its RCPT
    /// (the other takes it when the lease ends).
    @Test func eachReplyIsSentOnceByTwoInstancesAlsoWhenOneIsKilledMidSend() async throws {
        let sink = try await SMTPSink(["--delay-rcpt", "4"])
        defer { _ = sink.stop() }
        let pair = try Pair(
            config: """
                mail:
                  address: support@triage.test
                  delivery: smtp
                  smtp: {host: 127.0.0.1, port: \(sink.port), security: none, timeoutSeconds: 6}
                  outboxSeconds: 1
                  sendLeaseSeconds: 18
                """)
        defer { pair.stop() }
        let customer = try pair.a.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#).json["id"] as? Int ?? 0
        let yuki =
            try pair.a.request("POST", "/api/v1/contacts", #"{"customerId": \#(customer), "name": "Yuki", "email": "yuki@acme.example"}"#)
            .json["id"] as? Int ?? 0
        let vera = try pair.a.request("POST", "/api/v1/technicians", #"{"name": "Vera"}"#).json["id"] as? Int ?? 0
        try pair.a.createUser(
            "vera", role: "technician", password: "vera keeps a long secret", technician: vera, email: "vera@ours.example",
            database: pair.database.url)
        for number in 0..<4 {
            let server = number % 2 == 0 ? pair.a : pair.b
            let id =
                try server.request(
                    "POST", "/api/v1/tickets", #"{"title": "t\#(number)", "requesterId": \#(yuki), "assigneeId": \#(vera)}"#,
                    token: pair.token
                )
                .json["id"] as? Int ?? 0
            #expect(
                try server.request("POST", "/api/v1/tickets/\(id)/comments", #"{"body": "reply \#(number)"}"#, token: pair.token).status
                    == 201)
        }
        try await Task.sleep(for: .milliseconds(2500))
        kill(pair.a.process.pid, SIGKILL)
        #expect(try await waitFor(seconds: 90) { sink.count == 8 }, "every reply and notification sent")
        try await Task.sleep(for: .seconds(5))
        let ids = try (1...sink.count).map { try sink.message($0).envelope.messageId ?? "" }
        #expect(ids.count == 8 && Set(ids).count == 8, "each once: \(ids)")
        #expect(ids.filter { $0.contains("<notification-") }.count == 4, "\(ids)")
        // Notifications have no ticket's outbox to list: the table says how often each was tried.
        let attempts = try Shell.run("/usr/bin/psql", [pair.database.url!, "-Atc", "SELECT kind, attempts, state FROM outbox ORDER BY id"])
            .stdout
        #expect(attempts.contains("|2|sent"), "the killed instance's message was taken over: \(attempts)")
        #expect(!attempts.contains("|3|") && attempts.split(separator: "\n").count == 8, "\(attempts)")
    }
}
