import Foundation
import TriageModel

/// A job's lifecycle as a pure state machine (docs/jobs.md, "Lifecycle"): fed the job as it was
/// read and what happened, it decides the job's next state and the step the ticket's history
/// records, and says so as an `Action`. It does no I/O: `Jobs` loads the job, feeds the event and
/// applies the action (a compare-and-set write on the lease and state the job was read with, the
/// history entry, the diagnosis a result attaches). The table tests drive it with no store.
package struct JobLifecycle: Sendable {
    /// The job as the machine last left it.
    package private(set) var job: Job
    let policy: JobPolicy

    package init(_ job: Job, policy: JobPolicy) {
        self.job = job
        self.policy = policy
    }

    package enum Event: Sendable {
        /// `runner` takes the job: it is queued, or its lease lapsed unfinished. `hostExists` false:
        /// the host was deleted since the job was asked for.
        case lease(runner: Actor, hostExists: Bool)
        /// The lease holder starts the checks, or renews its lease while they run.
        case start(lease: Int, runner: Actor)
        /// A runner's result under `lease`; `host` is the job's host as stored (nil: deleted).
        case finish(lease: Int, runner: Actor, report: DiagnosticReport, host: HostFields?)
        /// Nobody finished it by its expiry.
        case expire
    }

    package enum Action: Sendable {
        /// Store `job` only if its stored lease and state are still `ifLease` and `ifState`, then
        /// record `step` (when there is one). When the write loses that race: `conflict` is the
        /// 409's message, or nil to pass over the job quietly. `attach`: the result's report is
        /// the job's diagnosis, to be stored on the ticket in the same transaction.
        case save(Job, ifLease: Int, ifState: JobState, step: JobStep?, conflict: String?, attach: Bool)
        /// Nothing changes: the answer is the job as it is (a retried result already taken).
        case unchanged(Job)
        /// The result is refused: `step` records why on the ticket; the runner is told `reason`.
        case refuse(Job, reason: String, step: JobStep)
        /// The event does not apply: the caller answers `error` and nothing is recorded.
        case fail(CoordinatorError)
    }

    package mutating func event(_ event: Event, at now: Date) -> Action {
        let previous = (state: job.state, lease: job.lease, runner: job.runner)
        switch event {
        case .lease(let runner, let hostExists):
            guard Self.takeable(job, at: now) else {
                return .fail(CoordinatorError(.conflict, "job \(job.id) is \(job.state.rawValue): nobody may take it now"))
            }
            job.updatedAt = now
            guard hostExists else {
                (job.state, job.leaseUntil, job.failure) = (.failed, nil, "host \(job.hostId) no longer exists")
                return .save(
                    job, ifLease: previous.lease, ifState: previous.state,
                    step: JobStep(job: job.id, state: .failed, message: job.failure), conflict: nil, attach: false)
            }
            job.state = .leased
            job.lease += 1
            job.runner = runner
            job.leaseUntil = now.addingTimeInterval(Double(policy.leaseSeconds))
            var step = JobStep(job: job.id, state: .leased, lease: job.lease)
            if previous.state != .queued, let holder = previous.runner {
                step.message = "lease \(previous.lease) of \(holder) ended unfinished; taken over"
            }
            return .save(job, ifLease: previous.lease, ifState: previous.state, step: step, conflict: nil, attach: false)

        case .start(let lease, let runner):
            if let error = heldError(lease: lease, runner: runner) { return .fail(error) }
            job.leaseUntil = now.addingTimeInterval(Double(policy.leaseSeconds))
            job.updatedAt = now
            job.state = .running
            // A renewal while running changes the lease's end only: nothing for the history.
            let step = previous.state == .leased ? JobStep(job: job.id, state: .running, lease: lease) : nil
            return .save(
                job, ifLease: lease, ifState: previous.state, step: step,
                conflict: "job \(job.id) changed while starting; lease \(lease) may be over", attach: false)

        case .finish(let lease, let runner, let report, let host):
            if job.state == .attached, job.reportId == report.id, job.runner == runner { return .unchanged(job) }
            guard job.lease == lease, job.runner == runner, job.state == .leased || job.state == .running else {
                let reason =
                    job.lease != lease || job.runner != runner
                    ? "lease \(lease) of job \(job.id) is over: \(job.runner.map(String.init(describing:)) ?? "nobody") holds lease \(job.lease)"
                    : "job \(job.id) is \(job.state.rawValue) already"
                var step = JobStep(job: job.id, state: job.state, lease: lease, message: "result of \(runner) refused: \(reason)")
                step.reportId = report.id
                return .refuse(job, reason: reason, step: step)
            }
            guard let host else {
                return .fail(CoordinatorError(.invalid, "job \(job.id)'s host \(job.hostId) no longer exists"))
            }
            guard report.host == host.name || report.host == host.address else {
                return .fail(CoordinatorError(.invalid, "job \(job.id) is about host \(host.name); the report is about \(report.host)"))
            }
            job.updatedAt = now
            job.leaseUntil = nil
            if report.checks.isEmpty {
                job.state = .failed
                job.failure = report.errors.map(\.message).joined(separator: "; ").nilIfEmpty ?? "the runner ran no checks"
            } else {
                job.state = .attached
                job.reportId = report.id
            }
            var step = JobStep(job: job.id, state: job.state, lease: lease, message: job.failure)
            if job.state == .attached { step.reportId = report.id }
            return .save(
                job, ifLease: lease, ifState: previous.state, step: step,
                conflict: "job \(job.id) changed while its result was stored; try again", attach: job.state == .attached)

        case .expire:
            guard !job.state.isFinished else {
                return .fail(CoordinatorError(.conflict, "job \(job.id) is \(job.state.rawValue) already"))
            }
            job.failure =
                switch previous.state {
                case .queued:
                    "nobody took it within \(policy.expireSeconds) s: the host has no live push agent and no collector serves its site"
                default:
                    "not finished within \(policy.expireSeconds) s; last lease \(job.lease) by \(job.runner.map(String.init(describing:)) ?? "?")"
                }
            job.state = .expired
            job.updatedAt = now
            job.leaseUntil = nil
            return .save(
                job, ifLease: previous.lease, ifState: previous.state,
                step: JobStep(job: job.id, state: .expired, message: job.failure), conflict: nil, attach: false)
        }
    }

    /// Whether a runner may take `job` at `now`: queued, or leased or running under a lease that
    /// ended; never once finished or past its expiry (what the store's `takeableJobs` selects).
    package static func takeable(_ job: Job, at now: Date) -> Bool {
        guard job.expiresAt > now else { return false }
        return switch job.state {
        case .queued: true
        case .leased, .running: (job.leaseUntil ?? .distantPast) < now
        case .attached, .failed, .expired: false
        }
    }

    /// Why `runner` does not hold lease `lease` of an unfinished job; nil when it does.
    private func heldError(lease: Int, runner: Actor) -> CoordinatorError? {
        guard job.lease == lease, job.runner == runner, job.state == .leased || job.state == .running else {
            return CoordinatorError(
                .conflict,
                "lease \(lease) of job \(job.id) is over: it is \(job.state.rawValue), lease \(job.lease) "
                    + "held by \(job.runner.map(String.init(describing:)) ?? "nobody")")
        }
        return nil
    }
}
