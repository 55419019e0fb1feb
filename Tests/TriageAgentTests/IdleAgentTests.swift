import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Idle means idle (docs/agent.md, "Talking to the coordinator"): a real push agent and a real
/// collector, each waiting in its long polls at a real `triage serve` with no job queued, use
/// (almost) no CPU. The push agent's poll once spun at 0.8 of a core for a week with CI green; a
/// spinning agent shows hundreds of ms per second here, a waiting one 0. The bound, 50 ms/s,
/// leaves room for a busy machine without letting a spin through.
@Suite struct IdleAgentTests {
    static let bound = 50.0

    /// The coordinator with one host (`lab1`), its agent token and a collector token for its site.
    struct Coordinator {
        let folder: TempFolder
        let serve: TriageServe
        let agentToken: String
        let collectorToken: String

        init() throws {
            folder = try TempFolder()
            serve = try TriageServe(folder)
            _ = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#)
            _ = try serve.request("POST", "/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#)
            _ = try serve.request("POST", "/api/v1/hosts", #"{"siteId": 1, "name": "lab1"}"#)
            agentToken = try Self.token(["--role", "agent", "--name", "lab1-agent", "--host", "lab1"], data: serve.data)
            collectorToken = try Self.token(["--role", "collector", "--name", "dc-east", "--site", "1"], data: serve.data)
        }

        static func token(_ arguments: [String], data: String) throws -> String {
            try Shell.run(builtProduct("triage"), ["token", "create"] + arguments + ["--data", data])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The long polls waiting at the coordinator, from its /metrics.
        func waitingPolls() throws -> Int {
            let metrics = try Shell.run("/usr/bin/curl", ["-s", serve.url + "/metrics"]).stdout
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("triage_jobs_polls_waiting ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
        }

        func log(_ name: String) -> String { (try? String(contentsOfFile: folder.path + "/\(name)", encoding: .utf8)) ?? "" }
    }

    @Test func aPushAgentWaitingForJobsIsIdle() async throws {
        let coordinator = try Coordinator()
        let config = coordinator.folder.path + "/agent.yaml"
        // One report at the start, the next an hour later: what follows is waiting.
        try """
        coordinator: \(coordinator.serve.url)
        token: \(coordinator.agentToken)
        host: lab1
        interval: 3600
        jitter: 0
        checks: [disk]
        plugins: [\(DiagnoseCommandTests.plugins)]
        spool: { path: \(coordinator.folder.path)/spool }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let agent = try ChildProcess(RemoteExecTests.binary, ["run", "--config", config], stderr: coordinator.folder.path + "/agent.log")
        defer { agent.terminate() }
        let waiting = try await waitFor(seconds: 30) {
            try coordinator.log("agent.log").contains("report ") && coordinator.waitingPolls() == 1
        }
        #expect(waiting, "the agent never reported and waited for jobs: \(coordinator.log("agent.log"))")
        let used = try await processCPU(of: agent.pid, over: 10)
        #expect(used <= Self.bound, "the push agent used \(used) ms of CPU per second while it waited for jobs")
        #expect(agent.isRunning)
    }

    @Test func aCollectorWaitingForJobsIsIdle() async throws {
        let coordinator = try Coordinator()
        let config = coordinator.folder.path + "/collector.yaml"
        try """
        coordinator: \(coordinator.serve.url)
        token: \(coordinator.collectorToken)
        plugins: [\(DiagnoseCommandTests.plugins)]
        concurrency: 16
        wait: 25
        health: { every: 0 }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let collector = try ChildProcess(
            RemoteExecTests.binary, ["collect", "--config", config], environment: ["SSH_AUTH_SOCK": ""],
            stderr: coordinator.folder.path + "/collector.log")
        defer { collector.terminate() }
        let waiting = try await waitFor(seconds: 30) { try coordinator.waitingPolls() == 16 }
        #expect(waiting, "the collector's 16 long polls never all waited: \(coordinator.log("collector.log"))")
        let used = try await processCPU(of: collector.pid, over: 10)
        #expect(used <= Self.bound, "the collector used \(used) ms of CPU per second while its 16 polls waited")
        #expect(collector.isRunning)
    }
}
