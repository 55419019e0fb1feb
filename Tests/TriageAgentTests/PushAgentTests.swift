import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Flow 2 of docs/ARCHITECTURE.md with real processes: `triage-agent run` pushing to a real `triage serve`
/// that is stopped and started again mid-run, and the agent itself stopped while the
/// coordinator is away. Every report the agent made is stored once, in the order made.
@Suite struct PushAgentTests {
    /// The ids of the reports an agent log says it made, in order.
    static func made(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.hasPrefix("report ") && $0.contains(" on lab1: ") }
            .map { String($0.split(separator: " ")[1]) }
    }

    @Test func reportsMadeWhileTheCoordinatorIsDownAreDeliveredOnceInOrder() throws {
        let folder = try TempFolder()
        var serve = try TriageServe(folder)
        let admin = serve.adminToken
        let port = serve.port
        _ = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#)
        _ = try serve.request("POST", "/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#)
        let host = try serve.request("POST", "/api/v1/hosts", #"{"siteId": 1, "name": "lab1"}"#).json["id"] as? Int ?? 0
        let token = try Shell.run(
            builtProduct("triage"),
            [
                "token", "create", "--role", "agent", "--name", "lab1-agent",
                "--host", "lab1", "--data", folder.path + "/data",
            ])
        try token.stdout.write(toFile: folder.path + "/token", atomically: true, encoding: .utf8)
        let spool = folder.path + "/spool"
        try """
        coordinator: \(serve.url)
        token_file: \(folder.path)/token
        host: lab1
        interval: 1
        jitter: 0
        checks: [disk]
        plugins: [\(DiagnoseCommandTests.plugins)]
        spool: { path: \(spool), max_reports: 500, max_bytes: 5MiB }
        retry_max: 2
        timeout: 2
        """.write(toFile: folder.path + "/agent.yaml", atomically: true, encoding: .utf8)

        func reportsOnServer() throws -> [[String: Any]] {
            var items: [[String: Any]] = []
            var cursor = ""
            repeat {
                let page = try serve.request("GET", "/api/v1/hosts/\(host)/reports?limit=100&cursor=\(cursor)", token: admin).json
                items += page["items"] as? [[String: Any]] ?? []
                cursor = page["nextCursor"] as? String ?? ""
            } while !cursor.isEmpty
            return items
        }
        func spooled() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { $0.hasSuffix(".json") }.count
        }
        func agent(_ log: String) throws -> ChildProcess {
            try ChildProcess(RemoteExecTests.binary, ["run", "--config", folder.path + "/agent.yaml"], stderr: folder.path + "/" + log)
        }
        /// SIGTERM; an agent still running a minute later fails the test with its stacks (a CI run once
        /// hung here for ever: docs/agent.md, "Talking to the coordinator").
        func stop(_ process: ChildProcess) -> Int32 {
            kill(process.pid, SIGTERM)
            if let status = process.wait(seconds: 60) { return status }
            Issue.record("the agent did not stop within 60 s of SIGTERM:\n\(process.stacks())")
            kill(process.pid, SIGKILL)
            return process.wait()
        }
        func log(_ name: String) -> String { (try? String(contentsOfFile: folder.path + "/" + name, encoding: .utf8)) ?? "" }

        // Running normally: reports arrive.
        let first = try agent("agent1.log")
        #expect(try waitUntil(seconds: 20) { try reportsOnServer().count >= 2 })

        // The coordinator goes away: reports wait in the spool.
        serve.process.terminate()
        #expect(try waitUntil(seconds: 20) { spooled() >= 3 })
        // The agent is stopped too: it exits cleanly and leaves them on disk.
        #expect(stop(first) == 0)
        let waiting = spooled()
        #expect(waiting >= 3)
        #expect(log("agent1.log").contains("is unreachable"))
        #expect(log("agent1.log").contains("stopping: \(waiting) report(s) stay in the spool for the next start"))

        // Both come back: the spool drains first, oldest first, then new reports follow.
        serve = try TriageServe(folder, port: port)
        let second = try agent("agent2.log")
        #expect(try waitUntil(seconds: 20) { spooled() == 0 && Self.made(log("agent2.log")).count >= 2 })
        #expect(stop(second) == 0)
        // It starts with what waits, makes its first report, and sends them all in one go.
        #expect(log("agent2.log").contains("(\(waiting) waiting)"))
        #expect(log("agent2.log").contains("delivered \(waiting + 1) spooled reports"))
        #expect(log("agent2.log").hasSuffix("stopping: every report is delivered\n"))

        let made = Self.made(log("agent1.log") + log("agent2.log"))
        let stored = try reportsOnServer()
        let storedIds = stored.compactMap { ($0["report"] as? [String: Any])?["id"] as? String }
        #expect(storedIds.count == made.count)
        #expect(Set(storedIds) == Set(made))
        // Received in the order made: the receive times, taken in the agent's order, never go back.
        let receivedAt = Dictionary(
            uniqueKeysWithValues: stored.compactMap { item -> (String, String)? in
                guard let id = (item["report"] as? [String: Any])?["id"] as? String, let at = item["receivedAt"] as? String else {
                    return nil
                }
                return (id, at)
            })
        let times = made.compactMap { receivedAt[$0] }
        #expect(times == times.sorted())
        serve.process.terminate()
    }
}
