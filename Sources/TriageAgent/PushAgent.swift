import TriageChecks
import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `triage-agent run`: diagnoses this machine on a schedule and delivers every report to the
/// coordinator, oldest first and each once.
///
/// Each report goes to the spool before it is sent, so nothing made is lost to a crash or an
/// outage. A coordinator that is down or failing (unreachable, 5xx, 429, or a refused token,
/// which an operator can fix) leaves the reports waiting; delivery is retried with doubling
/// waits up to `retryMax` and at every new report. A report the coordinator finds malformed
/// (400, 413, 422) is set aside in the spool's `rejected/` instead of blocking the rest.
///
/// `triage-agent run` runs it until SIGTERM or SIGINT (`Shutdown`). Unchecked Sendable: one task
/// at a time uses it (`run`, or a test).
public final class PushAgent: @unchecked Sendable {
    public let configuration: AgentConfiguration
    let diagnosis: Diagnosis
    let client: CoordinatorClient
    let spool: Spool
    let log: (String) -> Void
    /// The spool's drop count when the last report was made.
    private var droppedBefore: Int
    private var retryDelay: Duration = .seconds(1)
    /// Reports the spool could not store (a full or failing disk), sent after the spool's, in memory
    /// only and as bounded as the spool.
    private var unspooled: [DiagnosticReport] = []

    public init(configuration: AgentConfiguration, catalog: PluginCatalog, log: @escaping (String) -> Void) throws {
        self.configuration = configuration
        (diagnosis, client) = try Self.prepare(configuration, catalog: catalog)
        spool = try Spool(folder: configuration.spoolPath, limits: configuration.spoolLimits)
        droppedBefore = spool.dropped
        self.log = log
    }

    /// The diagnosis and the coordinator client a configuration makes, touching nothing on disk:
    /// unknown checks or parameters and a bad coordinator URL are errors (`run --check` stops here).
    public static func prepare(_ configuration: AgentConfiguration, catalog: PluginCatalog) throws -> (Diagnosis, CoordinatorClient) {
        var diagnosis = Diagnosis(catalog: catalog)
        diagnosis.checks = configuration.checks
        diagnosis.params = configuration.params
        var me = Inventory.Host(name: configuration.host)
        me.vendorManaged = configuration.vendorManaged
        diagnosis.inventory = Inventory(hosts: [configuration.host: me])
        _ = try diagnosis.overrides(for: configuration.host, plugins: try diagnosis.selectedPlugins())
        let client = try CoordinatorClient(
            url: configuration.coordinator, token: configuration.token, timeout: configuration.timeout,
            caFile: configuration.caFile)
        return (diagnosis, client)
    }

    /// Runs until `shutdown` (or cancellation): the cycle under way finishes, and then one last
    /// delivery attempt. Beside the schedule, a long poll takes "Diagnose now" jobs for this host
    /// and runs them at once (unless `jobs: false`).
    public func run(until shutdown: Shutdown) async {
        await withDiscardingTaskGroup { group in
            if configuration.jobs { group.addTask { await self.jobRunner.run(slots: 1, until: shutdown) } }
            await schedule(until: shutdown)
        }
    }

    /// Diagnosis jobs for this host, run here with the job's checks and parameters.
    var jobRunner: JobRunner {
        JobRunner(
            client: client, wait: 25, log: { [self] in log($0) },
            diagnose: { [diagnosis, configuration] assignment in
                let job = diagnosis.forJob(assignment)
                return await onThread {
                    do { return try job.runLocal(host: configuration.host) } catch { return .failed(host: configuration.host, "\(error)") }
                }
            })
    }

    private func schedule(until shutdown: Shutdown) async {
        let c = configuration
        log(
            "triage-agent run: \(c.host) reports to \(client.base.absoluteString) every \(c.interval) s (jitter \(c.jitter) s); "
                + "checks: \(diagnosis.checks.isEmpty ? "all" : diagnosis.checks.joined(separator: ", ")); "
                + "spool \(spool.folder) (\(spool.count) waiting)")
        let start = ContinuousClock.now
        var slot = 0
        var nextCycle = start + jitter()
        var nextDelivery: ContinuousClock.Instant? = spool.count > 0 ? start : nil
        while !shutdown.isRequested && !Task.isCancelled {
            if ContinuousClock.now >= nextCycle {
                makeReport()
                nextDelivery = .now
                // The next slot of the fixed schedule that is still ahead (a long cycle skips slots).
                repeat {
                    slot += 1
                    nextCycle = start + .seconds(slot * c.interval) + jitter()
                } while nextCycle <= .now
            }
            if let due = nextDelivery, ContinuousClock.now >= due {
                nextDelivery = await deliver().map { .now + $0 }
            }
            let wake = min(nextCycle, nextDelivery ?? nextCycle)
            // A shutdown ends the sleep at once; the last delivery below is not cancelled.
            try? await shutdown.cancelling { try await Task.sleep(until: wake, clock: .continuous) }
        }
        if spool.count + unspooled.count > 0, await deliver() != nil {
            log(
                "stopping: \(spool.count) report(s) stay in the spool for the next start"
                    + (unspooled.isEmpty ? "" : "; \(unspooled.count) that the spool could not store are lost"))
        } else {
            log("stopping: every report is delivered")
        }
    }

    /// Makes one report and spools it.
    func makeReport() {
        var report: DiagnosticReport
        do {
            report = try diagnosis.runLocal(host: configuration.host)
        } catch {
            log("cannot diagnose: \(error)")
            return
        }
        report.checks.append(spoolCheck())
        report.status = DiagnosticReport.worst(checks: report.checks, errors: report.errors)
        do {
            let dropped = try spool.append(report)
            if dropped > 0 {
                log("the spool is full (\(spool.limits.maxReports) reports, \(spool.limits.maxBytes) bytes): dropped the \(dropped) oldest")
            }
        } catch {
            log("cannot spool report \(report.id): \(error); it waits in memory only")
            unspooled.append(report)
            if unspooled.count > spool.limits.maxReports { unspooled.removeFirst() }
        }
        log("report \(report.id) on \(report.host): \(report.status.rawValue), \(report.checks.count) items in \(report.durationMs) ms")
    }

    /// What the agent itself has to say: reports waiting and dropped, as an item of its own, so
    /// that dropped reports reach the coordinator (a warning while they are being dropped).
    private func spoolCheck() -> CheckResult {
        let newlyDropped = spool.dropped - droppedBefore
        droppedBefore = spool.dropped
        let summary =
            "\(spool.count) older report(s) waiting; \(newlyDropped) dropped since the last report, "
            + "\(spool.dropped) in all (spool limits: \(spool.limits.maxReports) reports, \(spool.limits.maxBytes) bytes)"
        return CheckResult(
            plugin: "agent", item: "spool", status: newlyDropped > 0 ? .warning : .ok, summary: summary,
            metrics: [Metric(name: "waiting", value: Double(spool.count)), Metric(name: "dropped", value: Double(spool.dropped))],
            durationMs: 0)
    }

    /// Delivers the spool oldest first. Nil when it is empty; else how long to wait before trying again.
    func deliver() async -> Duration? {
        var delivered = 0
        defer { if delivered > 1 { log("delivered \(delivered) spooled reports") } }
        while true {
            let entry: Spool.Entry?
            let report: DiagnosticReport
            if let (first, stored) = spool.first() {
                (entry, report) = (first, stored)
            } else if let kept = unspooled.first {
                (entry, report) = (nil, kept)
            } else {
                return nil
            }
            let done = { [spool] in if let entry { spool.remove(entry) } else { self.unspooled.removeFirst() } }
            do {
                let receipt = try await client.deliver(report, interval: configuration.interval)
                done()
                delivered += 1
                retryDelay = .seconds(1)
                let tickets = [("opened", receipt.opened), ("reopened", receipt.reopened), ("resolved", receipt.resolved)]
                    .filter { !$0.1.isEmpty }.map { "\($0.0) ticket \($0.1.map(String.init).joined(separator: ", "))" }
                if !tickets.isEmpty { log("report \(report.id): \(tickets.joined(separator: "; "))") }
            } catch let error as CoordinatorClientError where Self.malformed(error) {
                if let entry { spool.setAside(entry) } else { done() }
                log("report \(report.id) " + (entry == nil ? "dropped" : "set aside in \(spool.folder)/rejected") + ": \(error)")
            } catch {
                let wait = retryDelay
                retryDelay = min(retryDelay * 2, .seconds(configuration.retryMax))
                log("\(error); \(spool.count + unspooled.count) report(s) wait in the spool, next try in \(wait.components.seconds) s")
                return wait
            }
        }
    }

    /// The report itself is at fault: sending it again cannot help.
    static func malformed(_ error: CoordinatorClientError) -> Bool {
        if case .refused(let status, _) = error { return [400, 413, 422].contains(status) }
        return false
    }

    /// Up to `jitter` seconds late, so that a fleet restarted together spreads out.
    private func jitter() -> Duration {
        .milliseconds(Int.random(in: 0...(configuration.jitter * 1000)))
    }
}
