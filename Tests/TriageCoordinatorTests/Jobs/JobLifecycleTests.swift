import Foundation
import Testing
import TriageModel

@testable import TriageDomain

/// The job lifecycle with no store and no clock: a job as read, an event, the action decided.
@Suite struct JobLifecycleTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = JobPolicy(expireSeconds: 600, leaseSeconds: 120)
    static let web = Actor.agent("web1")
    static let collector = Actor.collector("dc-berlin")

    static func job(_ state: JobState, lease: Int = 0, runner: Actor? = nil, leaseUntil: Date? = nil, reportId: UUID? = nil) -> Job {
        Job(
            id: 7, ticketId: 42, hostId: 3, siteId: 2, customerId: 1, checks: ["disk"], params: [:], state: state,
            requestedBy: .person(.dispatcher, "dora"), createdAt: t0, updatedAt: t0, expiresAt: t0.addingTimeInterval(600),
            lease: lease, runner: runner, leaseUntil: leaseUntil, reportId: reportId)
    }

    static func report(host: String = "web1", checks: Bool = true, errors: [String] = []) -> DiagnosticReport {
        DiagnosticReport(
            host: host, startedAt: t0, durationMs: 5, agentVersion: "t",
            checks: checks ? [CheckResult(plugin: "disk", item: "/", status: .ok, summary: "fine")] : [],
            errors: errors.map { ReportError(message: $0) })
    }

    static let host = HostFields(siteId: 2, name: "web1", address: "10.0.0.5")

    // MARK: Leasing

    @Test func aQueuedJobIsLeasedWithTheFirstLeaseForOneTerm() throws {
        var machine = JobLifecycle(Self.job(.queued), policy: Self.policy)
        let now = Self.t0.addingTimeInterval(5)
        guard
            case .save(let job, let ifLease, let ifState, let step, let conflict, let attach) =
                machine.event(.lease(runner: Self.web, hostExists: true), at: now)
        else {
            Issue.record("not saved")
            return
        }
        #expect(job.state == .leased && job.lease == 1 && job.runner == Self.web && job.leaseUntil == now.addingTimeInterval(120))
        #expect(ifLease == 0 && ifState == .queued && conflict == nil && !attach)
        #expect(step == JobStep(job: 7, state: .leased, lease: 1))
        #expect(machine.job == job)
    }

    @Test func aLapsedLeaseIsTakenOverAndTheStepNamesWhoLostIt() throws {
        let lapsed = Self.job(.running, lease: 2, runner: Self.web, leaseUntil: Self.t0.addingTimeInterval(60))
        var machine = JobLifecycle(lapsed, policy: Self.policy)
        guard
            case .save(let job, 2, .running, let step?, nil, false) =
                machine.event(.lease(runner: Self.collector, hostExists: true), at: Self.t0.addingTimeInterval(61))
        else {
            Issue.record("not taken over")
            return
        }
        #expect(job.lease == 3 && job.runner == Self.collector && job.state == .leased)
        #expect(step.message == "lease 2 of agent:web1 ended unfinished; taken over")
    }

    @Test(arguments: [
        (JobState.leased, 60.0, false), (.running, 59.9, false), (.running, 60.1, true), (.queued, 0, true),
        (.attached, 600, false), (.failed, 600, false), (.expired, 600, false),
    ])
    func onlyQueuedJobsAndLapsedLeasesMayBeTaken(state: JobState, secondsLater: Double, takeable: Bool) {
        let job = Self.job(state, lease: 1, runner: Self.web, leaseUntil: Self.t0.addingTimeInterval(60))
        var machine = JobLifecycle(job, policy: Self.policy)
        let action = machine.event(.lease(runner: Self.collector, hostExists: true), at: Self.t0.addingTimeInterval(secondsLater))
        if case .save = action { #expect(takeable) } else { #expect(!takeable) }
        #expect(JobLifecycle.takeable(job, at: Self.t0.addingTimeInterval(secondsLater)) == takeable)
    }

    @Test func aJobPastItsExpiryIsNotTakenEvenWhenQueued() {
        #expect(!JobLifecycle.takeable(Self.job(.queued), at: Self.t0.addingTimeInterval(600)))
        #expect(JobLifecycle.takeable(Self.job(.queued), at: Self.t0.addingTimeInterval(599.999)))
    }

    @Test func aJobWhoseHostWasDeletedFailsInsteadOfBeingLeased() {
        var machine = JobLifecycle(Self.job(.queued), policy: Self.policy)
        guard
            case .save(let job, 0, .queued, let step?, nil, false) = machine.event(.lease(runner: Self.web, hostExists: false), at: Self.t0)
        else {
            Issue.record("not failed")
            return
        }
        #expect(job.state == .failed && job.lease == 0 && job.runner == nil && job.failure == "host 3 no longer exists")
        #expect(step == JobStep(job: 7, state: .failed, message: "host 3 no longer exists"))
    }

    // MARK: Starting and renewing

    @Test func startingRunsTheJobAndRenewingRecordsNothingMore() {
        var machine = JobLifecycle(
            Self.job(.leased, lease: 1, runner: Self.web, leaseUntil: Self.t0.addingTimeInterval(120)), policy: Self.policy)
        guard
            case .save(let started, 1, .leased, let step?, let conflict?, false) = machine.event(
                .start(lease: 1, runner: Self.web), at: Self.t0.addingTimeInterval(10))
        else {
            Issue.record("not started")
            return
        }
        #expect(started.state == .running && started.leaseUntil == Self.t0.addingTimeInterval(130) && step.state == .running)
        #expect(conflict.contains("changed while starting"))
        guard
            case .save(let renewed, 1, .running, nil, _, false) = machine.event(
                .start(lease: 1, runner: Self.web), at: Self.t0.addingTimeInterval(100))
        else {
            Issue.record("not renewed")
            return
        }
        #expect(renewed.leaseUntil == Self.t0.addingTimeInterval(220))
    }

    @Test(arguments: [(2, JobLifecycleTests.web), (1, JobLifecycleTests.collector)])
    func onlyTheLeaseHolderStartsIt(lease: Int, runner: Actor) {
        var machine = JobLifecycle(
            Self.job(.leased, lease: 1, runner: Self.web, leaseUntil: Self.t0.addingTimeInterval(120)), policy: Self.policy)
        guard case .fail(let error) = machine.event(.start(lease: lease, runner: runner), at: Self.t0) else {
            Issue.record("started by someone without the lease")
            return
        }
        #expect(error.code == .conflict && error.message == "lease \(lease) of job 7 is over: it is leased, lease 1 held by agent:web1")
        #expect(machine.job.state == .leased)
    }

    // MARK: Results

    @Test func aResultWithChecksAttachesOnceAndItsRetryChangesNothing() {
        var machine = JobLifecycle(
            Self.job(.running, lease: 1, runner: Self.web, leaseUntil: Self.t0.addingTimeInterval(120)), policy: Self.policy)
        let report = Self.report()
        guard
            case .save(let job, 1, .running, let step?, _?, true) =
                machine.event(.finish(lease: 1, runner: Self.web, report: report, host: Self.host), at: Self.t0.addingTimeInterval(30))
        else {
            Issue.record("not attached")
            return
        }
        #expect(job.state == .attached && job.reportId == report.id && job.leaseUntil == nil && step.reportId == report.id)
        guard
            case .unchanged(let again) = machine.event(
                .finish(lease: 1, runner: Self.web, report: report, host: Self.host), at: Self.t0.addingTimeInterval(31))
        else {
            Issue.record("a retry changed the job")
            return
        }
        #expect(again == job)
    }

    @Test func aResultWithOnlyErrorsFailsTheJobInTheirWords() {
        var machine = JobLifecycle(Self.job(.leased, lease: 1, runner: Self.collector), policy: Self.policy)
        let report = Self.report(host: "10.0.0.5", checks: false, errors: ["connect: refused", "timeout"])
        guard
            case .save(let job, 1, .leased, let step?, _, false) =
                machine.event(.finish(lease: 1, runner: Self.collector, report: report, host: Self.host), at: Self.t0)
        else {
            Issue.record("not failed")
            return
        }
        #expect(job.state == .failed && job.failure == "connect: refused; timeout" && job.reportId == nil && step.message == job.failure)
    }

    @Test func aResultFromALeaseTakenOverIsRefusedAndRecorded() {
        var machine = JobLifecycle(Self.job(.running, lease: 3, runner: Self.collector), policy: Self.policy)
        let report = Self.report()
        guard
            case .refuse(let job, let reason, let step) = machine.event(
                .finish(lease: 2, runner: Self.web, report: report, host: Self.host), at: Self.t0)
        else {
            Issue.record("not refused")
            return
        }
        #expect(reason == "lease 2 of job 7 is over: collector:dc-berlin holds lease 3" && job.state == .running)
        #expect(step == JobStep(job: 7, state: .running, lease: 2, reportId: report.id, message: "result of agent:web1 refused: \(reason)"))
    }

    @Test func aResultAfterTheJobExpiredIsRefusedAsFinished() {
        var machine = JobLifecycle(Self.job(.expired, lease: 1, runner: Self.web), policy: Self.policy)
        guard
            case .refuse(_, let reason, _) = machine.event(
                .finish(lease: 1, runner: Self.web, report: Self.report(), host: Self.host), at: Self.t0)
        else {
            Issue.record("not refused")
            return
        }
        #expect(reason == "job 7 is expired already")
    }

    @Test func aReportAboutAnotherHostOrADeletedOneIsInvalid() {
        var machine = JobLifecycle(Self.job(.running, lease: 1, runner: Self.web), policy: Self.policy)
        guard
            case .fail(let other) = machine.event(
                .finish(lease: 1, runner: Self.web, report: Self.report(host: "db1"), host: Self.host), at: Self.t0),
            case .fail(let gone) = machine.event(.finish(lease: 1, runner: Self.web, report: Self.report(), host: nil), at: Self.t0)
        else {
            Issue.record("accepted")
            return
        }
        #expect(other.code == .invalid && other.message == "job 7 is about host web1; the report is about db1")
        #expect(gone.code == .invalid && gone.message == "job 7's host 3 no longer exists")
        #expect(machine.job.state == .running)
    }

    // MARK: Expiry

    @Test(arguments: [
        (JobState.queued, "nobody took it within 600 s: the host has no live push agent and no collector serves its site"),
        (.running, "not finished within 600 s; last lease 1 by agent:web1"),
    ])
    func anUnfinishedJobExpiresSayingWhy(state: JobState, failure: String) {
        var machine = JobLifecycle(
            Self.job(state, lease: state == .queued ? 0 : 1, runner: state == .queued ? nil : Self.web), policy: Self.policy)
        guard case .save(let job, _, state, let step?, nil, false) = machine.event(.expire, at: Self.t0.addingTimeInterval(600))
        else {
            Issue.record("not expired")
            return
        }
        #expect(job.state == .expired && job.failure == failure && step == JobStep(job: 7, state: .expired, message: failure))
    }

    @Test func aFinishedJobDoesNotExpire() {
        var machine = JobLifecycle(Self.job(.attached, lease: 1, runner: Self.web), policy: Self.policy)
        guard case .fail = machine.event(.expire, at: Self.t0.addingTimeInterval(900)) else {
            Issue.record("expired")
            return
        }
        #expect(machine.job.state == .attached)
    }
}
