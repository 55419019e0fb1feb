import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// "Diagnose now" with real processes (docs/jobs.md): a real `triage serve`, a push agent
/// (`triage-agent run`) and collectors (`triage-agent collect`) reaching real sshd hosts over
/// SSH. Each kind of host gets its diagnosis within seconds; a host key that changed fails the job
/// with both fingerprints; a collector killed mid-job is replaced after its lease and the job
/// attaches once; a stopped one's late result is refused. Heavy (a browser, many processes), so
/// they run on their own after the rest, in Tests/Live/run.sh (TRIAGE_TEST_JOBS=1), not beside
/// the other browser tests, whose timing they would disturb.
@Suite(
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["TRIAGE_TEST_JOBS"] != nil, "run by Tests/Live/run.sh (TRIAGE_TEST_JOBS=1)"))
struct DiagnoseNowTests {
    /// A plugin that sleeps `seconds` and reports `status` (0–3), with a rule that flags a
    /// critical result for on-site work: a job's parameters make it slow or failing.
    static func pausePlugin(in folder: TempFolder) throws -> String {
        let plugin = folder.path + "/test-plugins/pause"
        try FileManager.default.createDirectory(atPath: plugin, withIntermediateDirectories: true)
        try """
        name: pause
        summary: Sleeps, then reports the status it is told
        protocol: local
        script: check.sh
        timeout: 60s
        params:
          seconds: "0"
          status: "0"
        triage:
          - when: { item: "pause", status: critical }
            flag: onsite
            reason: "the pause plugin was told to fail: send someone"
        """.write(toFile: plugin + "/plugin.yaml", atomically: true, encoding: .utf8)
        try """
        sleep "${TRIAGE_SECONDS:-0}"
        echo "${TRIAGE_STATUS:-0} pause - slept ${TRIAGE_SECONDS:-0} s"
        """.write(toFile: plugin + "/check.sh", atomically: true, encoding: .utf8)
        return folder.path + "/test-plugins"
    }

    static func time(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    struct Fleet {
        let folder: TempFolder
        let serve: TriageServe
        let sshd: TestSSHD
        let other: TestSSHD
        let impostor: TestSSHD
        let hosts: [String: Int]
        let collectorToken: String
        let plugins: String

        /// With `hosts`, the sshd hosts run in that network namespace (a test host of their own).
        init(hosts namespace: TestNetworkNamespace? = nil) throws {
            folder = try TempFolder()
            try """
            jobs: { leaseSeconds: 3, expireSeconds: 300 }
            slaCheckSeconds: 1
            """.write(toFile: folder.path + "/triage.yaml", atomically: true, encoding: .utf8)
            serve = try TriageServe(folder, ["--config", folder.path + "/triage.yaml"])
            sshd = try TestSSHD(namespace: namespace)
            other = try TestSSHD(namespace: namespace)
            impostor = try TestSSHD(namespace: namespace)
            plugins = try DiagnoseNowTests.pausePlugin(in: folder)
            _ = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#)
            _ = try serve.request("POST", "/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#)
            var hosts: [String: Int] = [:]
            let hostAddress = sshd.address
            for (name, port) in [("pushed", nil), ("ssh1", sshd.port), ("ssh2", other.port), ("impostor", impostor.port)]
                as [(String, Int?)]
            {
                let address = port.map { #", "address": "\#(hostAddress):\#($0)""# } ?? ""
                hosts[name] =
                    try serve.request("POST", "/api/v1/hosts", #"{"siteId": 1, "name": "\#(name)"\#(address)}"#).json["id"] as? Int
            }
            self.hosts = hosts
            let made = try Shell.run(
                builtProduct("triage"),
                [
                    "token", "create", "--role", "collector", "--name", "dc-east", "--site", "1",
                    "--data", serve.data,
                ])
            collectorToken = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            // The impostor answers with a key other than the one known for its address.
            let sshKey = try sshd.knownHostsLine().split(separator: " ").dropFirst().joined(separator: " ")
            _ = try sshd.knownHostsFile([
                try sshd.knownHostsLine(), try other.knownHostsLine(), "[\(sshd.address)]:\(impostor.port) \(sshKey)",
            ])
        }

        var knownHosts: String { sshd.folder.path + "/known_hosts" }

        /// A collector process; `token` names a collector token of its own (else dc-east's).
        func collector(_ name: String, token: String? = nil, every: Int = 0, concurrency: Int = 16, wait: Int = 5) throws -> ChildProcess {
            let config = folder.path + "/\(name).yaml"
            var secret = collectorToken
            if let token {
                secret = try Shell.run(
                    builtProduct("triage"),
                    [
                        "token", "create", "--role", "collector", "--name", token, "--customer", "1",
                        "--data", serve.data,
                    ]
                ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try """
            coordinator: \(serve.url)
            token: \(secret)
            plugins: [\(DiagnoseCommandTests.plugins), \(plugins)]
            checks: [disk]
            concurrency: \(concurrency)
            wait: \(wait)
            timeout: 10
            ssh: { identity: [\(sshd.clientKey)], known_hosts: \(knownHosts), timeout: 5 }
            health: { every: \(every), refresh: 1 }
            """.write(toFile: config, atomically: true, encoding: .utf8)
            return try ChildProcess(
                RemoteExecTests.binary, ["collect", "--config", config], environment: ["SSH_AUTH_SOCK": ""],
                stderr: folder.path + "/\(name).log")
        }

        func log(_ name: String) -> String { (try? String(contentsOfFile: folder.path + "/\(name).log", encoding: .utf8)) ?? "" }

        func ticket(_ host: String) throws -> Int {
            try serve.request("POST", "/api/v1/tickets", #"{"title": "\#(host) acts up", "hostId": \#(hosts[host]!)}"#).json["id"] as? Int
                ?? -1
        }

        func diagnose(_ ticket: Int, _ body: String = "{}") throws -> Int {
            let queued = try serve.request("POST", "/api/v1/tickets/\(ticket)/diagnoses", body)
            guard queued.status == 202, let id = queued.json["id"] as? Int else { throw TestSupportError("not queued: \(queued)") }
            return id
        }

        func job(_ id: Int) throws -> [String: Any] { try serve.request("GET", "/api/v1/jobs/\(id)").json }

        /// Waits for the job to finish; its state and how long it took from now.
        func finished(_ id: Int, within seconds: Double) throws -> (state: String, after: Duration) {
            let started = ContinuousClock.now
            var state = ""
            _ = try waitUntil(seconds: seconds) {
                state = try job(id)["state"] as? String ?? ""
                return ["attached", "failed", "expired"].contains(state)
            }
            return (state, started.duration(to: .now))
        }

        func diagnoses(_ ticket: Int) throws -> [[String: Any]] {
            try serve.request("GET", "/api/v1/tickets/\(ticket)/diagnostics").json["items"] as? [[String: Any]] ?? []
        }

        func events(_ ticket: Int) throws -> [[String: Any]] {
            try serve.request("GET", "/api/v1/tickets/\(ticket)/events?limit=200").json["items"] as? [[String: Any]] ?? []
        }
    }

    /// In the browser (JavaScript on, the ticket page live): Diagnose now on a host with a push
    /// agent, on one reached by a collector, and on one whose key changed. The push agent runs in
    /// one network namespace (reaching the coordinator through a proxy on that namespace's
    /// address), the sshd hosts in another.
    @Test func theHostsAgentOrACollectorDiagnosesWithinSecondsAndAChangedKeyFailsInWords() async throws {
        let clients = try TestNetworkNamespace()
        let agentSide = try TestNetworkNamespace()
        let fleet = try Fleet(hosts: clients)
        defer { fleet.serve.process.terminate() }
        let door = try TCPProxy(to: fleet.serve.port, listeningOn: agentSide.hostAddress)
        let agentToken = try Shell.run(
            builtProduct("triage"),
            [
                "token", "create", "--role", "agent", "--name", "pushed-agent",
                "--host", "pushed", "--data", fleet.serve.data,
            ]
        ).stdout
        try """
        coordinator: http://\(agentSide.hostAddress):\(door.port)
        token: \(agentToken.trimmingCharacters(in: .whitespacesAndNewlines))
        host: pushed
        interval: 2
        jitter: 0
        checks: [disk]
        plugins: [\(DiagnoseCommandTests.plugins), \(fleet.plugins)]
        spool: { path: \(fleet.folder.path)/spool }
        timeout: 5
        """.write(toFile: fleet.folder.path + "/agent.yaml", atomically: true, encoding: .utf8)
        let agent = try ChildProcess(
            "/usr/sbin/ip",
            [
                "netns", "exec", agentSide.name, RemoteExecTests.binary, "run",
                "--config", fleet.folder.path + "/agent.yaml",
            ], stderr: fleet.folder.path + "/agent.log")
        defer { agent.terminate() }
        // The defaults: 16 long polls of 25 s, so a job's other requests must not queue behind them.
        let collector = try fleet.collector("collector", wait: 25)
        defer { collector.terminate() }
        try fleet.serve.createUser("dora", role: "dispatcher", password: "dora dispatches all day")
        let browser = try await Browser(fleet.folder, javaScript: true)
        defer { Task { await browser.quit() } }
        // The push agent is live once it has reported: collectors leave its host to it. (Waits
        // here sleep as tasks: a blocked thread would starve the other suites' tasks.)
        #expect(
            try await browser.waitUntil(seconds: 20) {
                let hosts =
                    try fleet.serve.request("GET", "/api/v1/collector/hosts", token: fleet.collectorToken).json["items"] as? [[String: Any]]
                return hosts?.first { $0["name"] as? String == "pushed" }?["pushAgent"] as? Bool == true
            })
        // The pushed host's pause check is told to fail: its rule flags the ticket for on-site work.
        _ = try fleet.serve.request(
            "PUT", "/api/v1/hosts/\(fleet.hosts["pushed"]!)",
            #"{"siteId": 1, "name": "pushed", "pluginParams": {"pause": {"status": "2"}}}"#)
        try await browser.go(fleet.serve.url + "/board/login")
        try await browser.type("#login", "dora")
        try await browser.type("#password", "dora dispatches all day")
        try await browser.click("#sign-in")
        _ = try await browser.url { $0.hasSuffix("/board") }

        /// Diagnose now on the ticket's page: the job's line once the page shows it done, and how
        /// long the job took at the coordinator (queued → finished, by its own times: a loaded CI
        /// machine slows the browser's rendering, not what is measured).
        func diagnoseNow(_ ticket: Int, checks: String) async throws -> (line: String, after: Double) {
            try await browser.go(fleet.serve.url + "/board/tickets/\(ticket)")
            try await browser.type("#diagnose-checks", checks)
            try await browser.click("#diagnose-now")
            var line = ""
            _ = try await browser.waitUntil(seconds: 30) {
                line = (try? await browser.text("ul.jobs li")) ?? ""
                return line.contains("done") || line.contains("failed")
            }
            let job = try #require(try fleet.serve.request("GET", "/api/v1/jobs?ticket=\(ticket)").json["items"] as? [[String: Any]]).first
            let times = ["createdAt", "updatedAt"].compactMap { (job?[$0] as? String).flatMap(Self.time) }
            let after = times.count == 2 ? times[1].timeIntervalSince(times[0]) : .infinity
            print(
                "job on ticket \(ticket) (\(checks.isEmpty ? "all checks" : checks)): finished \(Int(after * 1000)) ms after it was queued")
            return (line, after)
        }

        // The push agent's host.
        let pushedTicket = try fleet.ticket("pushed")
        let pushed = try await diagnoseNow(pushedTicket, checks: "pause")
        #expect(pushed.line.contains("done by agent:pushed-agent") && pushed.after < 10, "\(pushed) \(fleet.log("agent"))")
        #expect(
            try await browser.waitUntil(seconds: 5) {
                let page = (try? await browser.text("main")) ?? ""
                return page.contains("pause") && page.contains("send someone")
            }, "the diagnosis and its on-site reason on the page")
        let flags = try fleet.serve.request("GET", "/api/v1/tickets/\(pushedTicket)").json["flags"] as? [String: Any]
        #expect(flags?["onsite"] as? Bool == true && (flags?["onsiteReasons"] as? [String])?.first?.contains("send someone") == true)

        // A host without an agent: the collector, over SSH.
        let sshTicket = try fleet.ticket("ssh1")
        let reached = try await diagnoseNow(sshTicket, checks: "disk")
        #expect(reached.line.contains("done by collector:dc-east") && reached.after < 10, "\(reached) \(fleet.log("collector"))")
        #expect(try await browser.waitUntil(seconds: 5) { ((try? await browser.text("#diagnostics table")) ?? "").contains("disk") })
        let report = try #require(try fleet.diagnoses(sshTicket).first?["report"] as? [String: Any])
        #expect(report["host"] as? String == "ssh1" && !(report["checks"] as? [Any] ?? []).isEmpty)

        // A host whose key changed: the job fails with both fingerprints on the page; nothing attached.
        let impostorTicket = try fleet.ticket("impostor")
        let failed = try await diagnoseNow(impostorTicket, checks: "")
        #expect(
            failed.line.contains("failed by collector:dc-east") && failed.line.contains("HOST KEY MISMATCH")
                && failed.line.components(separatedBy: "SHA256:").count == 3, "\(failed)")
        #expect(try fleet.diagnoses(impostorTicket).isEmpty)

        // `triage job list|show` read the same jobs.
        let list = try Shell.run(builtProduct("triage"), ["job", "list", "--data", fleet.serve.data])
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 4, "\(list.stdout)\(list.stderr)")
        #expect(list.stdout.contains("failed") && list.stdout.contains("collector:dc-east") && list.stdout.contains("agent:pushed-agent"))
        let impostorJob =
            try #require(try fleet.serve.request("GET", "/api/v1/jobs?ticket=\(impostorTicket)").json["items"] as? [[String: Any]])
            .first?["id"] as? Int
        let show = try Shell.run(builtProduct("triage"), ["job", "show", "\(impostorJob ?? 0)", "--data", fleet.serve.data])
        #expect(show.status == 0 && show.stdout.contains("\"state\" : \"failed\""), "\(show.stdout)\(show.stderr)")
    }

    @Test func aKilledCollectorsJobIsFinishedByAnotherOnceAndAStoppedOnesLateResultIsRefused() throws {
        let fleet = try Fleet()
        defer { fleet.serve.process.terminate() }
        let ticket = try fleet.ticket("ssh1")
        let slow = #"{"checks": ["pause"], "params": {"pause.seconds": "6"}}"#

        // A takes the job and is killed while the checks run.
        let first = try fleet.collector("first")
        let killedJob = try fleet.diagnose(ticket, slow)
        #expect(try waitUntil(seconds: 15) { try fleet.job(killedJob)["state"] as? String == "running" })
        kill(first.pid, SIGKILL)
        _ = first.wait()
        // B, started after, takes it over once the 3 s lease has run out, and finishes it.
        let second = try fleet.collector("second", token: "dc-west")
        defer { second.terminate() }
        let done = try fleet.finished(killedJob, within: 30)
        #expect(done.state == "attached", "\(done) \(fleet.log("second"))")
        let job = try fleet.job(killedJob)
        #expect((job["lease"] as? Int ?? 0) >= 2 && job["runner"] as? String == "collector:dc-west", "\(job)")
        #expect(try fleet.diagnoses(ticket).count == 1)

        // B is stopped mid-job (a hang); C takes over and finishes; B, let go, is refused.
        let stoppedJob = try fleet.diagnose(ticket, slow)
        #expect(try waitUntil(seconds: 15) { try fleet.job(stoppedJob)["state"] as? String == "running" })
        kill(second.pid, SIGSTOP)
        let third = try fleet.collector("third", token: "dc-north")
        defer { third.terminate() }
        #expect(try fleet.finished(stoppedJob, within: 30).state == "attached", "\(fleet.log("third"))")
        kill(second.pid, SIGCONT)
        #expect(try waitUntil(seconds: 20) { fleet.log("second").contains("result refused") }, "\(fleet.log("second"))")
        #expect(try fleet.diagnoses(ticket).count == 2, "one per job")
        let refusals = try fleet.events(ticket).compactMap { ($0["data"] as? [String: Any])?["message"] as? String }
            .filter { $0.contains("refused") }
        #expect(
            refusals.count == 1 && refusals[0].contains("result of collector:dc-west refused: lease")
                && refusals[0].contains("of job \(stoppedJob) is over: collector:dc-north holds"), "\(refusals)")
        #expect(try fleet.job(stoppedJob)["runner"] as? String == "collector:dc-north")
    }

    @Test func agentlessHealthOpensOneTicketAfterTheHysteresisAndResolvesIt() throws {
        let fleet = try Fleet()
        defer { fleet.serve.process.terminate() }
        let ssh1 = fleet.hosts["ssh1"]!
        let ssh2 = fleet.hosts["ssh2"]!
        let twin = fleet.hosts["impostor"]!
        // ssh1 and ssh2 are watched, and a second host named ssh1 at the impostor's address (whose key
        // is not the one known there): one name, two machines, each checked and reported as itself.
        _ = try fleet.serve.request("DELETE", "/api/v1/hosts/\(fleet.hosts["pushed"]!)")
        _ = try fleet.serve.request(
            "PUT", "/api/v1/hosts/\(twin)",
            #"{"siteId": 1, "name": "ssh1", "address": "\#(fleet.sshd.address):\#(fleet.impostor.port)"}"#)
        let collector = try fleet.collector("watch", every: 1)
        defer { collector.terminate() }
        func reports(_ host: Int) throws -> Int {
            (try fleet.serve.request("GET", "/api/v1/hosts/\(host)/reports?limit=100").json["items"] as? [Any])?.count ?? 0
        }
        func tickets(_ host: Int) throws -> [[String: Any]] {
            (try fleet.serve.request("GET", "/api/v1/tickets?limit=200").json["items"] as? [[String: Any]] ?? [])
                .filter { $0["hostId"] as? Int == host }
        }
        #expect(try waitUntil(seconds: 20) { try reports(ssh1) >= 3 && reports(ssh2) >= 3 }, "\(fleet.log("watch"))")
        #expect(try tickets(ssh1).isEmpty, "a healthy host has no ticket")
        let states = try fleet.serve.request("GET", "/api/v1/hosts/\(ssh1)/checks").json["items"] as? [[String: Any]] ?? []
        #expect(states.contains { $0["plugin"] as? String == "collector" && $0["item"] as? String == "ssh" })
        #expect(states.contains { $0["plugin"] as? String == "disk" }, "ssh1 itself was reached")
        // Its namesake is another machine: refused for its key, one problem and one ticket of its own.
        #expect(try waitUntil(seconds: 20) { try !tickets(twin).isEmpty }, "\(fleet.log("watch"))")
        let twinStates = try fleet.serve.request("GET", "/api/v1/hosts/\(twin)/checks").json["items"] as? [[String: Any]] ?? []
        let twinProblems = twinStates.filter { $0["ticketId"] as? Int != nil }
        #expect(
            twinProblems.map { "\($0["plugin"] ?? "")/\($0["item"] ?? "")" } == ["collector/ssh"]
                && (twinProblems.first?["summary"] as? String)?.contains("HOST KEY MISMATCH") == true, "\(twinStates)")
        #expect(try tickets(ssh1).isEmpty, "ssh1 is not its namesake")

        // The knob: every filesystem counts as full on ssh1.
        let address = "\(fleet.sshd.address):\(fleet.sshd.port)"
        _ = try fleet.serve.request(
            "PUT", "/api/v1/hosts/\(ssh1)",
            #"{"siteId": 1, "name": "ssh1", "address": "\#(address)", "pluginParams": {"disk": {"space_warn": "0%", "space_crit": "0%"}}}"#)
        #expect(try waitUntil(seconds: 20) { try !tickets(ssh1).isEmpty }, "\(fleet.log("watch"))")
        let opened = try tickets(ssh1)
        #expect(opened.count == 1 && (opened[0]["title"] as? String)?.contains("ssh1") == true, "\(opened)")
        // Back to normal: the ticket resolves after the recovery's hysteresis.
        _ = try fleet.serve.request("PUT", "/api/v1/hosts/\(ssh1)", #"{"siteId": 1, "name": "ssh1", "address": "\#(address)"}"#)
        #expect(try waitUntil(seconds: 20) { try tickets(ssh1).first?["status"] as? String == "resolved" })
        #expect(try tickets(ssh1).count == 1)

        // ssh2 goes away: one item (collector/ssh), one ticket — not one per check.
        fleet.other.stop()
        #expect(try waitUntil(seconds: 20) { try !tickets(ssh2).isEmpty }, "\(fleet.log("watch"))")
        Thread.sleep(forTimeInterval: 3)
        let down = try tickets(ssh2)
        #expect(down.count == 1 && (down[0]["title"] as? String)?.contains("collector") == true, "\(down)")
        let problems = (try fleet.serve.request("GET", "/api/v1/hosts/\(ssh2)/checks").json["items"] as? [[String: Any]] ?? [])
            .filter { $0["ticketId"] as? Int != nil }
        #expect(problems.map { "\($0["plugin"] ?? "")/\($0["item"] ?? "")" } == ["collector/ssh"])

        // The collector stops: its hosts fall silent like a push agent's, one ticket each.
        collector.terminate()
        var titles: [String] = []
        #expect(
            try waitUntil(seconds: 30) {
                titles = try tickets(ssh1).compactMap { $0["title"] as? String }
                return titles.contains("ssh1 is not reporting")
            }, "\(titles)")
    }
}
