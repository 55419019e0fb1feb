import Foundation
import TestSupport
import Testing
import TriageModel

@testable import TriageAgent

/// The push agent's disk queue: order, bounds, the drop counter, and what survives a restart.
@Suite struct SpoolTests {
    static func report(_ n: Int, padding: Int = 0) -> DiagnosticReport {
        DiagnosticReport(
            host: "lab1", startedAt: Date(timeIntervalSince1970: Double(n)), durationMs: n, agentVersion: "test",
            checks: [
                CheckResult(
                    plugin: "disk", item: "fs /", status: .ok,
                    summary: String(repeating: "x", count: padding), metrics: [], durationMs: 1)
            ])
    }

    @Test func reportsComeOutOldestFirstAndSurviveAReopen() throws {
        let folder = try TempFolder()
        let spool = try Spool(folder: folder.path + "/spool")
        let made = (1...3).map { Self.report($0) }
        for report in made { #expect(try spool.append(report) == 0) }
        let reopened = try Spool(folder: folder.path + "/spool")
        var out: [UUID] = []
        while let (entry, report) = reopened.first() {
            out.append(report.id)
            reopened.remove(entry)
        }
        #expect(out == made.map(\.id))
        #expect(reopened.count == 0)
    }

    @Test func theOldestAreDroppedBeyondTheCountAndTheBytesAndCounted() throws {
        let folder = try TempFolder()
        let byCount = try Spool(folder: folder.path + "/a", limits: Spool.Limits(maxReports: 3, maxBytes: 1 << 20))
        let made = (1...5).map { Self.report($0) }
        let dropped = try made.map { try byCount.append($0) }
        #expect(dropped == [0, 0, 0, 1, 1])
        #expect(byCount.count == 3 && byCount.dropped == 2)
        #expect(byCount.first()?.1.id == made[2].id)
        // The count is kept on disk.
        #expect(try Spool(folder: folder.path + "/a").dropped == 2)

        let byBytes = try Spool(folder: folder.path + "/b", limits: Spool.Limits(maxReports: 100, maxBytes: 5000))
        for n in 1...4 { try byBytes.append(Self.report(n, padding: 2000)) }
        #expect(byBytes.count == 2 && byBytes.bytes <= 5000 && byBytes.dropped == 2)
        // One report larger than the bound still stays: the newest is never dropped.
        #expect(try byBytes.append(Self.report(9, padding: 9000)) == 2)
        #expect(byBytes.count == 1 && byBytes.first()?.1.durationMs == 9)
    }

    @Test func aFileThatNoLongerDecodesIsSetAside() throws {
        let folder = try TempFolder()
        let spool = try Spool(folder: folder.path + "/spool")
        try spool.append(Self.report(1))
        try spool.append(Self.report(2))
        try "garbage".write(toFile: folder.path + "/spool/00000000000000000001.json", atomically: true, encoding: .utf8)
        #expect(spool.first()?.1.durationMs == 2)
        #expect(FileManager.default.fileExists(atPath: folder.path + "/spool/rejected/00000000000000000001.json"))
    }

    /// The spool emptied, then filled again: numbering must not restart under `rejected/`.
    @Test func aSetAsideReportNeverOverwritesAnEarlierOneAndRejectedIsBounded() throws {
        let folder = try TempFolder()
        let path = folder.path + "/spool"
        var spool = try Spool(folder: path, limits: Spool.Limits(maxRejected: 3))
        var setAside: [UUID] = []
        for n in 1...5 {
            try spool.append(Self.report(n))
            let (entry, report) = try #require(spool.first())
            spool.setAside(entry)
            setAside.append(report.id)
            #expect(spool.count == 0)
            if n == 2 { spool = try Spool(folder: path, limits: Spool.Limits(maxRejected: 3)) }  // a restart in between
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: path + "/rejected").sorted().map { name in
            try DiagnosticReport.decoder.decode(
                DiagnosticReport.self, from: Data(contentsOf: URL(fileURLWithPath: path + "/rejected/" + name))
            ).id
        }
        #expect(kept == Array(setAside.suffix(3)))
    }

    @Test func aBadConfigurationSaysWhatAndWhere() throws {
        let folder = try TempFolder()
        let file = folder.path + "/agent.yaml"
        try "coordinator: http://127.0.0.1:1\ninterval: 0\nspool: { max_bytes: lots }\ncheck: [disk]\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        func failure(_ environment: [String: String] = [:]) -> String {
            do { _ = try AgentConfiguration.load(file: file, environment: environment) } catch { return error.description }
            return "no error"
        }
        let message = failure()
        #expect(message.contains("unknown key 'check'"))
        #expect(message.contains("interval must be a whole number 1–86400"))
        #expect(message.contains("max_bytes must be a size such as"))

        try "coordinator: http://127.0.0.1:1\ninterval: 30\nspool: { path: /x, max_bytes: 2MiB }\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let fromEnvironment = try AgentConfiguration.load(file: file, environment: ["TRIAGE_TOKEN": "t0k"])
        #expect(fromEnvironment.token == "t0k" && fromEnvironment.jitter == 3 && fromEnvironment.spoolLimits.maxBytes == 2 << 20)
        #expect(
            failure() == "\(file): no token: give token_file (or token), run under the unit (LoadCredential=token:…), or set TRIAGE_TOKEN")
        // Under the shipped unit the token is a systemd credential, and wins over the environment.
        let credentials = folder.path + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try "trg_from_systemd\n".write(toFile: credentials + "/token", atomically: true, encoding: .utf8)
        let underUnit = try AgentConfiguration.load(file: file, environment: ["CREDENTIALS_DIRECTORY": credentials, "TRIAGE_TOKEN": "t0k"])
        #expect(underUnit.token == "trg_from_systemd")
        // A token file the agent may not read says why and what to do instead.
        try "coordinator: http://127.0.0.1:1\ntoken_file: \(folder.path)/no-such-token\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(
            failure().contains("cannot read the token file \(folder.path)/no-such-token: No such file or directory (under the shipped unit")
        )
        // Broken YAML is named with its line.
        try "coordinator: http://127.0.0.1:1\ncheck: [disk\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(failure().hasPrefix("\(file):3: not valid YAML: "), "\(failure())")
        // A CA file for an https coordinator must be readable when the agent starts, not at its first report.
        try "coordinator: https://triage.example.net\ntoken: t\nca_file: \(folder.path)/no-ca.pem\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(failure() == "\(file):3: cannot read the CA file \(folder.path)/no-ca.pem: No such file or directory")
        try "-----BEGIN CERTIFICATE-----\n".write(toFile: folder.path + "/ca.pem", atomically: true, encoding: .utf8)
        try "coordinator: https://triage.example.net\ntoken: t\nca_file: \(folder.path)/ca.pem\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(try AgentConfiguration.load(file: file).caFile == folder.path + "/ca.pem")
    }
}
