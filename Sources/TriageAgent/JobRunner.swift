import TriageChecks
import TriageModel
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Takes diagnosis jobs from the coordinator and runs them (docs/jobs.md): a long poll per slot,
/// `start`, the checks, then the result under the job's lease. A result the coordinator cannot
/// take now is sent again while the lease may still hold; one it refuses (the lease was taken
/// over) is logged and dropped — the job is someone else's now.
public struct JobRunner: Sendable {
    public let client: CoordinatorClient
    /// Seconds each long poll waits.
    public let wait: Int
    public let log: @Sendable (String) -> Void
    /// Runs the checks of a job and makes its report; never throws (a failure is a report with errors).
    public let diagnose: @Sendable (JobAssignment) async -> DiagnosticReport

    public init(
        client: CoordinatorClient, wait: Int, log: @escaping @Sendable (String) -> Void,
        diagnose: @escaping @Sendable (JobAssignment) async -> DiagnosticReport
    ) {
        self.client = client
        self.wait = wait
        self.log = log
        self.diagnose = diagnose
    }

    /// Runs `slots` jobs at a time until `shutdown`; a job under way is finished first.
    public func run(slots: Int, until shutdown: Shutdown) async {
        await withDiscardingTaskGroup { group in
            for _ in 0..<max(1, slots) { group.addTask { await poll(until: shutdown) } }
        }
    }

    private func poll(until shutdown: Shutdown) async {
        var delay = Duration.seconds(1)
        while !shutdown.isRequested && !Task.isCancelled {
            let job: JobAssignment?
            do {
                job = try await shutdown.cancelling { [client, wait] in try await client.nextJob(wait: wait) }
                delay = .seconds(1)
            } catch {
                if shutdown.isRequested || Task.isCancelled { return }
                log("cannot take jobs: \(error); next try in \(delay.components.seconds) s")
                let pause = delay
                try? await shutdown.cancelling { try await Task.sleep(for: pause) }
                delay = min(delay * 2, .seconds(60))
                continue
            }
            if let job { await run(job) }
        }
    }

    /// Runs one job and delivers its result.
    func run(_ assignment: JobAssignment) async {
        let job = assignment.job
        let name = "job \(job.id) (ticket \(job.ticketId), \(assignment.host.fields.name), lease \(job.lease))"
        do {
            try await client.startJob(job)
        } catch {
            log("\(name): cannot start: \(error)")
            if case CoordinatorClientError.refused = error { return }
        }
        // The lease is renewed at a third of its term while the checks run, so a long run keeps
        // it; a runner that hangs stops renewing, and another takes the job over.
        let renewal = Task { [client, log] in
            let every = Duration.seconds(max(1, assignment.leaseSeconds / 3))
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                if Task.isCancelled { return }
                do {
                    try await client.startJob(job)
                } catch let error as CoordinatorClientError where !error.isTransient {
                    log("\(name): lease lost: \(error)")
                    return
                } catch {
                    log("\(name): cannot renew the lease yet: \(error)")
                }
            }
        }
        let report = await diagnose(assignment)
        renewal.cancel()
        log(
            "\(name): \(report.checks.isEmpty ? "failed: " + report.errors.map(\.message).joined(separator: "; ") : "\(report.status.rawValue), \(report.checks.count) items") in \(report.durationMs) ms"
        )
        var delay = Duration.seconds(1)
        for _ in 0..<8 {
            do {
                try await client.finishJob(job, with: report)
                return
            } catch let error as CoordinatorClientError where error.isTransient {
                log("\(name): cannot deliver the result yet: \(error)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            } catch {
                log("\(name): result refused: \(error)")
                return
            }
        }
        log("\(name): result not delivered; the job expires or is taken over at the coordinator")
    }
}

extension Diagnosis {
    /// This diagnosis set up for a job: its checks (else ours), its parameters over the host's,
    /// the host's address and vendor-managed services from the coordinator.
    public func forJob(_ assignment: JobAssignment) -> Diagnosis {
        var diagnosis = self
        if !assignment.job.checks.isEmpty { diagnosis.checks = assignment.job.checks }
        let registered = Inventory(coordinatorHosts: [assignment.host])
        for (name, host) in registered.hosts {
            var merged = host
            if let local = diagnosis.inventory.hosts[name] {
                merged.params = host.params.merging(local.params) { $1 }
                merged.vendorManaged = host.vendorManaged.merging(local.vendorManaged) { $1 }
            }
            diagnosis.inventory.hosts[name] = merged
        }
        diagnosis.params = diagnosis.params.merging(assignment.job.params) { $1 }
        return diagnosis
    }
}

extension Inventory {
    /// The coordinator's hosts as an inventory: address, parameters, vendor-managed services;
    /// keyed by name, or by `key` where one name may stand for several hosts.
    public init(coordinatorHosts: [RegisteredHost], key: (RegisteredHost) -> String = \.fields.name) {
        self.init()
        for registered in coordinatorHosts {
            let fields = registered.fields
            var host = Inventory.Host(name: fields.name)
            host.address = fields.address
            host.tags = fields.tags
            host.criticality = fields.criticality.rawValue
            for (plugin, params) in fields.pluginParams {
                for (name, value) in params { host.params["\(plugin).\(name)"] = value }
            }
            for entry in fields.vendorServices { host.vendorManaged[entry.service] = entry.vendor }
            hosts[key(registered)] = host
        }
    }
}

extension DiagnosticReport {
    /// A report of a diagnosis that could not run at all: no items, the reason as its error.
    public static func failed(host: String, _ message: String) -> DiagnosticReport {
        DiagnosticReport(
            host: host, startedAt: Date(), durationMs: 0, agentVersion: Diagnosis.agentVersion, checks: [],
            errors: [ReportError(message: message)])
    }
}

/// Runs blocking work (processes, a blocking SSH session) on a thread of its own and waits for
/// it without holding a task's thread.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        POSIX.startThread(stackSize: 4 << 20) { continuation.resume(returning: body()) }
    }
}
