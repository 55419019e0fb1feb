import Foundation
import TriageModel

/// `triage-agent sweep`: one diagnosis per host over SSH, `concurrency` hosts at a time.
///
/// Each worker thread owns one session at a time from connect to close; a dead, silent or slow
/// host holds its worker for at most its timeouts, never the others. Reports come back through
/// `each` on the worker threads as hosts finish, in any order and at the same time.
public struct Sweep: Sendable {
    public var diagnosis: Diagnosis
    public var concurrency: Int

    public init(diagnosis: Diagnosis, concurrency: Int) {
        self.diagnosis = diagnosis
        self.concurrency = max(1, concurrency)
    }

    /// Sweeps `hosts`; returns when all are done. Parameter errors are found before any host is touched.
    public func run(_ hosts: [String], each: @escaping @Sendable (Int, DiagnosticReport) -> Void) throws(DiagnosisError) {
        let plugins = try diagnosis.selectedPlugins()
        for host in hosts { _ = try diagnosis.overrides(for: host, plugins: plugins) }
        let queue = WorkQueue(count: hosts.count)
        let group = DispatchGroup()
        for _ in 0..<min(concurrency, hosts.count) {
            group.enter()
            let worker = Thread { [diagnosis] in
                while let index = queue.next() {
                    // Overrides were checked above, so runRemote cannot throw here.
                    let report = (try? diagnosis.runRemote(host: hosts[index]))
                        ?? DiagnosticReport(host: hosts[index], startedAt: Date(), durationMs: 0, agentVersion: Diagnosis.agentVersion,
                                            checks: [], errors: [ReportError(message: "could not start the diagnosis")])
                    each(index, report)
                }
                group.leave()
            }
            worker.stackSize = 4 << 20
            worker.start()
        }
        group.wait()
    }

    /// Hands out host indexes.
    private final class WorkQueue: @unchecked Sendable {
        private let lock = NSLock()
        private var index = 0
        private let count: Int

        init(count: Int) { self.count = count }

        func next() -> Int? {
            lock.withLock {
                guard index < count else { return nil }
                defer { index += 1 }
                return index
            }
        }
    }
}
