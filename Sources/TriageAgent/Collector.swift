import Synchronization
import TriageChecks
import TriageModel
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `triage-agent collect` (docs/jobs.md, "Collectors"): a service near the clients that holds SSH
/// credentials and a collector token. It runs the diagnosis jobs of the hosts in its scope that
/// have no live push agent, and on a schedule checks those hosts over SSH and posts the results
/// as health reports, so they get the same item states, tickets and silence watch as hosts with
/// an agent. A host it cannot reach is one item, `collector/ssh`, not a problem per check.
public final class Collector: Sendable {
    public let configuration: CollectorConfiguration
    let diagnosis: Diagnosis
    let client: CoordinatorClient
    let log: @Sendable (String) -> Void

    public init(configuration: CollectorConfiguration, catalog: PluginCatalog, log: @escaping @Sendable (String) -> Void) throws {
        self.configuration = configuration
        var diagnosis = Diagnosis(catalog: catalog)
        diagnosis.checks = configuration.checks
        _ = try diagnosis.selectedPlugins()
        let config = try configuration.sshConfig.map { try SSHConfig(contentsOf: $0) } ?? SSHConfig.standard()
        diagnosis.resolve = SSHResolveOptions(
            config: config, identityFiles: configuration.identityFiles,
            knownHostsFile: configuration.knownHosts, acceptNew: false,
            connectTimeout: .seconds(fractional: configuration.sshTimeout))
        diagnosis.timeouts = .all(.seconds(fractional: configuration.sshTimeout))
        diagnosis.credentials = .fromEnvironment
        self.diagnosis = diagnosis
        client = try CoordinatorClient(
            url: configuration.coordinator, token: configuration.token, timeout: configuration.timeout,
            caFile: configuration.caFile)
        self.log = log
    }

    /// Until `shutdown`: jobs (`concurrency` long polls) and, unless `every` is 0, the schedule.
    public func run(until shutdown: Shutdown) async {
        log(
            "triage-agent collect: jobs and \(configuration.every > 0 ? "agentless health every \(configuration.every) s" : "no schedule") "
                + "for \(client.base.absoluteString), \(configuration.concurrency) at a time")
        await withDiscardingTaskGroup { group in
            group.addTask { await self.jobRunner.run(slots: self.configuration.concurrency, until: shutdown) }
            if configuration.every > 0 || !configuration.hostEvery.isEmpty || !configuration.siteEvery.isEmpty {
                group.addTask { await self.schedule(until: shutdown) }
            }
        }
        log("stopping")
    }

    /// Jobs run over SSH on the job's host, with the job's checks (all plugins when it names none).
    var jobRunner: JobRunner {
        JobRunner(client: client, wait: configuration.wait, log: log) { [diagnosis] assignment in
            var prepared = diagnosis.forJob(assignment)
            prepared.checks = assignment.job.checks
            let job = prepared
            let name = assignment.host.fields.name
            return await onThread {
                do { return try job.runRemote(host: name) } catch { return .failed(host: name, "\(error)") }
            }
        }
    }

    /// The agentless schedule: each host without a live push agent, every `interval(host:site:)` seconds.
    private func schedule(until shutdown: Shutdown) async {
        var hosts: [ScopedHost] = []
        var readAt: ContinuousClock.Instant?
        var due: [Int: ContinuousClock.Instant] = [:]
        // The hosts are read again this often, to follow the inventory and agents coming and going.
        let refresh = Duration.seconds(configuration.refresh)
        while !shutdown.isRequested && !Task.isCancelled {
            if readAt.map({ ContinuousClock.now - $0 >= refresh }) ?? true {
                do {
                    hosts = try await client.scopedHosts()
                    readAt = .now
                } catch {
                    log("cannot read the hosts to watch: \(error)")
                }
            }
            let now = ContinuousClock.now
            let watched = hosts.filter { !$0.pushAgent && interval(of: $0) > 0 }
            let ready = watched.filter { (due[$0.host.id] ?? now) <= now }
            for host in ready { due[host.host.id] = now + .seconds(interval(of: host)) }
            if !ready.isEmpty { await check(ready) }
            let next = watched.compactMap { due[$0.host.id] }.min() ?? (.now + refresh)
            let until = min(next, .now + refresh)
            try? await shutdown.cancelling { try await Task.sleep(until: until, clock: .continuous) }
        }
    }

    private func interval(of host: ScopedHost) -> Int {
        configuration.interval(host: host.host.fields.name, site: host.host.fields.siteId)
    }

    /// Checks `hosts` over SSH at once (the sweep engine) and posts each result as a health report.
    private func check(_ hosts: [ScopedHost]) async {
        var watched = diagnosis
        // Keyed by id: one name may be two machines (server01 at two customers, say), each checked
        // at its own address and reported as itself.
        watched.inventory = Inventory(coordinatorHosts: hosts.map(\.host), key: Self.key)
        let sweep = Sweep(diagnosis: watched, concurrency: configuration.concurrency)
        let keys = hosts.map { Self.key($0.host) }
        let outcome: Result<[DiagnosticReport], DiagnosisError> = await onThread {
            let reports = Reports(count: keys.count)
            do throws(DiagnosisError) {
                try sweep.run(keys) { index, report in reports.set(index, report) }
            } catch {
                return .failure(error)
            }
            return .success(reports.all)
        }
        let reports: [DiagnosticReport]
        switch outcome {
        case .success(let all): reports = all
        case .failure(let error):
            log("cannot check hosts: \(error)")
            return
        }
        for (host, report) in zip(hosts, reports) {
            var posted = Self.withReach(report)
            posted.host = host.host.fields.name
            do {
                let receipt = try await client.deliver(posted, interval: interval(of: host), hostId: host.host.id)
                let opened = receipt.opened.map { "opened ticket \($0)" }
                if !opened.isEmpty || posted.status != .ok {
                    log(
                        "\(host.host.fields.name): \(posted.status.rawValue)"
                            + (opened.isEmpty ? "" : "; " + opened.joined(separator: ", ")))
                }
            } catch {
                log("\(host.host.fields.name): report not posted: \(error)")
            }
        }
    }

    /// A host's name in the schedule's inventory: unique, whatever names repeat.
    static func key(_ host: RegisteredHost) -> String { "\(host.fields.name)#\(host.id)" }

    /// The report with the collector's own item: whether it reached the host. A host it could not
    /// reach has this item alone (critical, with why), so it is one problem, not one per check.
    static func withReach(_ report: DiagnosticReport) -> DiagnosticReport {
        var report = report
        let reached = !report.checks.isEmpty
        let summary =
            reached
            ? "reached over SSH in \(report.durationMs) ms"
            : "cannot reach the host over SSH: " + report.errors.map(\.message).joined(separator: "; ")
        report.checks.append(
            CheckResult(
                plugin: "collector", item: "ssh", status: reached ? .ok : .critical,
                summary: String(summary.prefix(1000)), metrics: [], durationMs: report.durationMs))
        report.status = DiagnosticReport.worst(checks: report.checks, errors: report.errors)
        return report
    }

    /// The sweep's reports by host index, filled from its threads.
    private final class Reports: @unchecked Sendable {
        private let reports: Mutex<[DiagnosticReport?]>

        init(count: Int) { reports = Mutex(Array(repeating: nil, count: count)) }

        func set(_ index: Int, _ report: DiagnosticReport) { reports.withLock { $0[index] = report } }

        var all: [DiagnosticReport] { reports.withLock { $0.map { $0! } } }
    }
}
