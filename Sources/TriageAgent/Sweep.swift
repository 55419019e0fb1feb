import Synchronization
import TriageModel
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `triage-agent sweep`: one diagnosis per host over SSH, `concurrency` hosts at a time.
///
/// A few event-loop threads (one per core) each drive their share of the hosts in flight as
/// tasks: every SSH wait suspends its task and the thread moves on to a session that can
/// progress, so 200 hosts in flight cost 2 threads, not 200. A dead, silent or slow host holds
/// its slot for at most its timeouts, never the others. Reports come back through `each` on the
/// loop threads as hosts finish, in any order and from several threads at once.
public struct Sweep: Sendable {
    public var diagnosis: Diagnosis
    public var concurrency: Int
    /// Event-loop threads; the host's core count unless set.
    public var threads: Int

    public init(diagnosis: Diagnosis, concurrency: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.diagnosis = diagnosis
        self.concurrency = max(1, concurrency)
        self.threads = max(1, threads)
    }

    /// Sweeps `hosts`; returns when all are done. Parameter errors are found before any host is touched.
    public func run(_ hosts: [String], each: @escaping @Sendable (Int, DiagnosticReport) -> Void) throws(DiagnosisError) {
        let plugins = try diagnosis.selectedPlugins()
        for host in hosts { _ = try diagnosis.overrides(for: host, plugins: plugins) }
        guard !hosts.isEmpty else { return }
        let queue = WorkQueue(count: hosts.count)
        let inFlight = min(concurrency, hosts.count)
        let loops = min(threads, inFlight)
        EventLoop.run(threads: loops) { [diagnosis] loop in
            let slots = inFlight / loops + (loop < inFlight % loops ? 1 : 0)
            await withDiscardingTaskGroup { group in
                for _ in 0..<slots {
                    group.addTask {
                        while let index = queue.next() {
                            // Overrides were checked above, so runRemote cannot throw here.
                            let report =
                                (try? await diagnosis.runRemote(host: hosts[index]))
                                ?? DiagnosticReport(
                                    host: hosts[index], startedAt: Date(), durationMs: 0, agentVersion: Diagnosis.agentVersion,
                                    checks: [], errors: [ReportError(message: "could not start the diagnosis")])
                            each(index, report)
                        }
                    }
                }
            }
        }
    }

    /// Hands out host indexes.
    private final class WorkQueue: @unchecked Sendable {
        private let index = Atomic(0)
        private let count: Int

        init(count: Int) { self.count = count }

        func next() -> Int? {
            let next = index.add(1, ordering: .relaxed).oldValue
            return next < count ? next : nil
        }
    }
}
