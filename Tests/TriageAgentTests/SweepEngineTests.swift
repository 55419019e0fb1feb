import Foundation
import Synchronization
import TestSupport
import Testing
import TriageAgent
import TriageChecks
import TriageModel
import TriageSSH

/// The sweep engine itself: many sessions in flight on one event-loop thread, against a real sshd.
@Suite struct SweepEngineTests {
    /// A plugin that holds its session for a second, so that hosts overlap only if the engine
    /// really keeps many sessions moving at once.
    static func slowCatalog(_ folder: TempFolder) throws -> PluginCatalog {
        let dir = folder.path + "/slow"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "name: slow\nsummary: sleeps\nprotocol: local\nscript: check.sh\ntimeout: 10s\n"
            .write(toFile: dir + "/plugin.yaml", atomically: true, encoding: .utf8)
        try "sleep 1\necho '0 slow - slept'\n".write(toFile: dir + "/check.sh", atomically: true, encoding: .utf8)
        let catalog = PluginCatalog(directories: [folder.path])
        #expect(catalog.failures.isEmpty)
        return catalog
    }

    static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }

    @Test func sixteenHostsInFlightOnOneThreadOverlapAndAddNoThreads() throws {
        let sshd = try TestSSHD()
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
        let folder = try TempFolder()
        var diagnosis = Diagnosis(catalog: try Self.slowCatalog(folder))
        diagnosis.resolve = SSHResolveOptions(identityFiles: [sshd.clientKey], knownHostsFile: knownHosts)
        diagnosis.credentials = SSHCredentials(agentSocket: nil)
        let names = (1...16).map { "host\($0)" }
        for name in names {
            var host = Inventory.Host(name: name)
            (host.address, host.port) = ("127.0.0.1", sshd.port)
            diagnosis.inventory.hosts[name] = host
        }

        let before = Self.threadCount()
        let seen = Mutex((reports: [Int: DiagnosticReport](), maxThreads: 0))
        let started = ContinuousClock.now
        try Sweep(diagnosis: diagnosis, concurrency: 16, threads: 1).run(names) { index, report in
            let threads = Self.threadCount()
            seen.withLock { state in
                state.reports[index] = report
                state.maxThreads = max(state.maxThreads, threads)
            }
        }
        let elapsed = started.duration(to: .now)
        let (reports, maxThreads) = seen.withLock { ($0.reports, $0.maxThreads) }

        #expect(reports.count == 16)
        for (index, report) in reports {
            #expect(report.host == names[index])
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(report.checks.map(\.summary) == ["slept"])
        }
        // One at a time, 16 one-second plugins take 16 s; on one thread in flight together, about 1.
        #expect(elapsed < .seconds(6), "took \(elapsed)")
        // One loop thread for sixteen sessions (a thread per host would add sixteen).
        #expect(maxThreads - before <= 2, "threads: \(before) before, \(maxThreads) during")
    }

    @Test func oneLoopServesABlockingCallerAndASilentHostTimesOutWithoutHoldingTheOthers() throws {
        let sshd = try TestSSHD()
        let silent = try SilentListener()
        defer { withExtendedLifetime(silent) {} }
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
        let folder = try TempFolder()
        var diagnosis = Diagnosis(catalog: try Self.slowCatalog(folder))
        diagnosis.resolve = SSHResolveOptions(identityFiles: [sshd.clientKey], knownHostsFile: knownHosts)
        diagnosis.credentials = SSHCredentials(agentSocket: nil)
        diagnosis.timeouts = SSHTimeouts(connect: .seconds(2), authentication: .seconds(2))
        for (name, port) in [("live1", sshd.port), ("live2", sshd.port), ("silent", silent.port)] {
            var host = Inventory.Host(name: name)
            (host.address, host.port) = ("127.0.0.1", port)
            diagnosis.inventory.hosts[name] = host
        }

        let finished = Mutex([String: (report: DiagnosticReport, at: Duration)]())
        let started = ContinuousClock.now
        try Sweep(diagnosis: diagnosis, concurrency: 3, threads: 1).run(["silent", "live1", "live2"]) { _, report in
            let at = started.duration(to: .now)
            finished.withLock { $0[report.host] = (report, at) }
        }
        let results = finished.withLock { $0 }
        #expect(results["silent"]?.report.errors.first?.message.contains("did not complete the SSH handshake within 2 s") == true)
        #expect(results["silent"].map { $0.at >= .milliseconds(1900) } == true)
        // The live hosts finished while the silent one still held its slot on the same thread.
        for name in ["live1", "live2"] {
            #expect(results[name]?.report.errors.isEmpty == true)
            #expect(results[name].map { $0.at < results["silent"]!.at } == true, "\(name)")
        }

        // The blocking API runs on a loop of its own.
        #expect(try diagnosis.runRemote(host: "live1").checks.map(\.summary) == ["slept"])
    }
}
