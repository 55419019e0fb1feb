import Foundation
import TestSupport
import Testing
import TriageChecks
import TriageModel

@testable import TriageAgent

/// The push agent's failure paths, against the faults a real coordinator cannot be made to
/// produce on demand (a scripted HTTP server) and a real full disk (a 64 KiB tmpfs).
@Suite(.serialized) struct PushAgentFailureTests {
    /// The agent's log lines.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    static let receipt =
        #"{"reportId": "0B2F4E4A-3F4B-4A5E-9F4B-2C1D0E9F8A7B", "accepted": true, "opened": [], "reopened": [], "updated": [], "resolved": []}"#

    /// An agent with one tiny plugin, its spool in `spool`, delivering to `server`.
    static func agent(_ folder: TempFolder, server: ScriptedHTTPServer, spool: String? = nil, log: Lines) throws -> PushAgent {
        let plugins = folder.path + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins + "/ok", withIntermediateDirectories: true)
        try "name: ok\nsummary: says ok\nscript: check.sh\n".write(toFile: plugins + "/ok/plugin.yaml", atomically: true, encoding: .utf8)
        try "echo '0 fine - all good'\n".write(toFile: plugins + "/ok/check.sh", atomically: true, encoding: .utf8)
        var configuration = AgentConfiguration(environment: [:])
        configuration.coordinator = "http://127.0.0.1:\(server.port)"
        configuration.token = "trg_test"
        configuration.host = "lab1"
        configuration.spoolPath = spool ?? folder.path + "/spool"
        configuration.timeout = 5
        return try PushAgent(
            configuration: configuration, catalog: PluginCatalog(directories: [plugins]),
            log: log.add)
    }

    static func reportIds(_ server: ScriptedHTTPServer) -> [String] {
        server.received.compactMap { try? DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data($0.body)).id.uuidString }
    }

    @Test func fiveHundredsAnd429AreRetriedWithTheSameKeyUntilTaken() async throws {
        let folder = try TempFolder()
        let server = try ScriptedHTTPServer(answers: [
            (503, #"{"error": {"code": "unavailable", "message": "db down"}}"#),
            (429, "{}"), (500, "{}"), (201, Self.receipt),
        ])
        let log = Lines()
        let agent = try Self.agent(folder, server: server, log: log)
        agent.makeReport()
        #expect(await agent.deliver() == .seconds(1))
        #expect(await agent.deliver() == .seconds(2))
        #expect(await agent.deliver() == .seconds(4))
        #expect(agent.spool.count == 1, "still waiting after three refusals")
        #expect(await agent.deliver() == nil)
        #expect(agent.spool.count == 0)
        let ids = Self.reportIds(server)
        #expect(ids.count == 4 && Set(ids).count == 1)
        #expect(server.received.allSatisfy { $0.headers["idempotency-key"] == ids.first })
        #expect(log.all.contains { $0.contains("(503): db down") && $0.contains("next try in 1 s") })
    }

    @Test(arguments: [400, 413, 422])
    func aReportTheCoordinatorCallsMalformedIsSetAsideAndTheRestGoOn(_ status: Int) async throws {
        let folder = try TempFolder()
        let server = try ScriptedHTTPServer(answers: [
            (status, #"{"error": {"code": "invalid", "message": "checks: bad"}}"#), (201, Self.receipt),
        ])
        let log = Lines()
        let agent = try Self.agent(folder, server: server, log: log)
        agent.makeReport()
        agent.makeReport()
        #expect(await agent.deliver() == nil)
        #expect(agent.spool.count == 0)
        let ids = Self.reportIds(server)
        #expect(ids.count == 2 && ids[0] != ids[1])
        let rejected = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/spool/rejected")
        #expect(rejected.count == 1)
        let kept = try DiagnosticReport.decoder.decode(
            DiagnosticReport.self,
            from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/spool/rejected/" + rejected[0])))
        #expect(kept.id.uuidString == ids[0])
        #expect(log.all.contains { $0.contains("set aside in") && $0.contains("(\(status))") })
    }

    /// As root `chmod` does not stop writes; a full filesystem does.
    @Test func aFullDiskKeepsReportsInMemoryAndDeliversThem() async throws {
        let folder = try TempFolder()
        let disk = folder.path + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try Shell.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk])
        try #require(mount.status == 0, "\(mount.stderr)")
        defer { _ = try? Shell.run("/usr/bin/umount", [disk]) }
        let server = try ScriptedHTTPServer(answers: [(503, "{}"), (201, Self.receipt)])
        let log = Lines()
        let agent = try Self.agent(folder, server: server, spool: disk + "/spool", log: log)
        // Fill what is left of the 64 KiB.
        _ = try Shell.run("/bin/dd", ["if=/dev/zero", "of=\(disk)/filler", "bs=1k", "count=128"])
        agent.makeReport()
        #expect(log.all.contains { $0.contains("cannot spool report") && $0.contains("No space left on device") })
        #expect(agent.spool.count == 0)
        #expect(await agent.deliver() == .seconds(1), "the coordinator is down too: it waits, in memory")
        #expect(await agent.deliver() == nil)
        #expect(Self.reportIds(server).count == 2 && Set(Self.reportIds(server)).count == 1)
    }
}
