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
    /// A plugin that holds its session for a second and says when, on the host's clock (the host
    /// is this machine), so that overlap is proven by what the hosts saw, not by a wall-clock bound.
    static func slowCatalog(_ folder: TempFolder) throws -> PluginCatalog {
        let dir = folder.path + "/slow"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "name: slow\nsummary: sleeps\nprotocol: local\nscript: check.sh\ntimeout: 10s\n"
            .write(toFile: dir + "/plugin.yaml", atomically: true, encoding: .utf8)
        try "start=$(date +%s%N)\nsleep 1\necho \"0 slow - slept $start $(date +%s%N)\"\n"
            .write(toFile: dir + "/check.sh", atomically: true, encoding: .utf8)
        let catalog = PluginCatalog(directories: [folder.path])
        #expect(catalog.failures.isEmpty)
        return catalog
    }

    /// The host-side start and end of the plugin's sleep, in nanoseconds since the epoch.
    static func slept(_ report: DiagnosticReport?) -> (start: Int, end: Int)? {
        guard let words = report?.checks.first?.summary.split(separator: " "), words.count == 3, words[0] == "slept",
            let start = Int(words[1]), let end = Int(words[2])
        else { return nil }
        return (start, end)
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
            #expect(Self.slept(report) != nil, "\(report.checks)")
        }
        // All sixteen were asleep at the same moment on the hosts: the last to start started before
        // the first to finish finished. One at a time they could not be.
        let spans = reports.values.compactMap(Self.slept)
        #expect(spans.count == 16)
        #expect(spans.map(\.start).max()! < spans.map(\.end).min()!, "\(spans)")
        // A loose bound only: sixteen one-second plugins one after another take 16 s.
        #expect(elapsed < .seconds(12), "took \(elapsed)")
        // One loop thread for sixteen sessions (a thread per host would add sixteen). The count is
        // the whole test process's, where other suites start threads of their own meanwhile (a CI
        // run saw 5 more), so the bound sits halfway to sixteen.
        #expect(maxThreads - before < 8, "threads: \(before) before, \(maxThreads) during")
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
        diagnosis.timeouts = SSHTimeouts(connect: .seconds(4), authentication: .seconds(4))
        for (name, port) in [("live1", sshd.port), ("live2", sshd.port), ("silent", silent.port)] {
            var host = Inventory.Host(name: name)
            (host.address, host.port) = ("127.0.0.1", port)
            diagnosis.inventory.hosts[name] = host
        }

        let finished = Mutex([String: (report: DiagnosticReport, atNanoseconds: Int)]())
        try Sweep(diagnosis: diagnosis, concurrency: 3, threads: 1).run(["silent", "live1", "live2"]) { _, report in
            let now = Int(Date().timeIntervalSince1970 * 1e9)
            finished.withLock { $0[report.host] = (report, now) }
        }
        let results = finished.withLock { $0 }
        let stalled = try #require(results["silent"])
        #expect(stalled.report.errors.first?.message.contains("did not complete the SSH handshake within 4 s") == true)
        #expect(stalled.report.durationMs >= 3900)
        // The live hosts' plugins ran and ended (host clock) while the silent one still held its
        // slot on the same thread: it did not hold them up.
        for name in ["live1", "live2"] {
            #expect(results[name]?.report.errors.isEmpty == true)
            let span = try #require(Self.slept(results[name]?.report), "\(name)")
            #expect(span.end < stalled.atNanoseconds, "\(name)")
        }

        // The blocking API runs on a loop of its own.
        #expect(Self.slept(try diagnosis.runRemote(host: "live1")) != nil)
    }
}
