import Foundation
import TriageModel

/// "Diagnose now" (docs/jobs.md): a person asks for a diagnosis of a ticket's host; the host's
/// push agent, or a collector serving its site when it has no live agent, leases the job, runs
/// the checks and posts the result, which is attached at most once. Every step is an event on
/// the ticket.
public struct Jobs: Room {
    let core: Core

    package static let actor = Actor.system(.jobs)

    /// Queues a job for the ticket's host. One unfinished job per ticket: asking again while one
    /// waits or runs is a 409 naming it.
    public func request(ticketId: Int, checks: [String], params: [String: String], by principal: Principal,
                        in session: any StoreSession) async throws -> Job
    {
        try Validate.tags(checks, "checks")
        if params.count > 50 { throw CoordinatorError.invalid("params", "more than 50 entries") }
        for (key, value) in params {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, key.count <= 128, !key.contains(where: \.isWhitespace) else {
                throw CoordinatorError.invalid("params", "'\(key)' must be plugin.parameter (e.g. disk.space_crit)")
            }
            try Validate.text(value, "params.\(key)", max: 200)
        }
        guard let ticket = try await session.ticket(ticketId) else { throw CoordinatorError.notFound("ticket", ticketId) }
        try Access.requestJob(on: ticket, by: principal)
        guard let hostId = ticket.hostId else {
            throw CoordinatorError(.invalid, "ticket \(ticketId) is not about a host: set its host to diagnose it")
        }
        guard let host = try await session.record(hostId, as: HostFields.self),
            let site = try await session.record(host.fields.siteId, as: SiteFields.self)
        else { throw CoordinatorError(.invalid, "ticket \(ticketId)'s host \(hostId) no longer exists") }
        if let running = try await session.jobs(ticketId: ticketId, states: [.queued, .leased, .running], before: nil, limit: 1).first {
            throw CoordinatorError(.conflict, "job \(running.id) for ticket \(ticketId) is \(running.state.rawValue) already "
                + "(GET /api/v1/jobs/\(running.id)); ask again when it is done")
        }
        let at = now()
        let job = try await session.insertJob(Job(
            id: 0, ticketId: ticketId, hostId: hostId, siteId: site.id, customerId: site.fields.customerId, checks: checks,
            params: params, state: .queued, requestedBy: principal.actor, createdAt: at, updatedAt: at,
            expiresAt: at.addingTimeInterval(Double(jobPolicy.expireSeconds)), lease: 0))
        try await desk.append([NewEvent(.diagnosisJob(JobStep(job: job.id, state: .queued, checks: checks)))], toTicket: ticketId,
                              actor: principal.actor, at: at, in: session)
        return job
    }

    public func job(_ id: Int, by principal: Principal) async throws -> Job {
        try Access.readAll(principal)
        guard let job = try await store.read({ try await $0.job(id) }) else { throw CoordinatorError.notFound("job", id) }
        return job
    }

    /// Newest first; of one ticket, in some states, before the id `before`.
    public func list(ticketId: Int?, states: [JobState], before: Int?, limit: Int, by principal: Principal) async throws -> Page<Job> {
        try Access.readAll(principal)
        let jobs = try await store.read { try await $0.jobs(ticketId: ticketId, states: states, before: before, limit: limit + 1) }
        return Page(jobs, limit: limit, id: \.id)
    }

    /// Leases the oldest job this runner may take, if any: a push agent its own host's; a
    /// collector those of its scope whose host has no live push agent. A job whose lease ended
    /// unfinished is taken over (the lease number goes up, so the old runner's result is refused).
    public func lease(by principal: Principal) async throws -> LeasedJob? {
        try Access.runJobs(principal)
        let hostId = principal.role == .agent ? principal.hostId ?? -1 : nil
        let scope = principal.role == .collector ? principal.scope ?? .init() : nil
        // Most polls find nothing: a read, without taking the write lock.
        guard try await store.read({ try await !$0.takeableJobs(at: now(), hostId: hostId, scope: scope, limit: 1).isEmpty }) else {
            return nil
        }
        return try await store.write { session in
            let at = now()
            var candidates = try await session.takeableJobs(at: at, hostId: hostId, scope: scope, limit: 50)
            if principal.role == .collector {
                let served = try await session.hostsWithLiveAgent(Array(Set(candidates.map(\.hostId))), at: at,
                                                                  intervals: jobPolicy.agentLiveIntervals)
                candidates.removeAll { served.contains($0.hostId) }
            }
            for candidate in candidates {
                var job = candidate
                let previous = (state: job.state, lease: job.lease, runner: job.runner)
                job.updatedAt = at
                guard let host = try await session.record(job.hostId, as: HostFields.self) else {
                    // Deleted since it was asked for: nothing to run it on.
                    (job.state, job.leaseUntil, job.failure) = (.failed, nil, "host \(job.hostId) no longer exists")
                    if try await session.updateJob(job, ifLease: previous.lease, state: previous.state) {
                        try await desk.append([NewEvent(.diagnosisJob(JobStep(job: job.id, state: .failed, message: job.failure)))],
                                              toTicket: job.ticketId, actor: Self.actor, at: at, in: session)
                    }
                    continue
                }
                job.state = .leased
                job.lease += 1
                job.runner = principal.actor
                job.leaseUntil = at.addingTimeInterval(Double(jobPolicy.leaseSeconds))
                guard try await session.updateJob(job, ifLease: previous.lease, state: previous.state) else { continue }
                var step = JobStep(job: job.id, state: .leased, lease: job.lease)
                if previous.state != .queued, let runner = previous.runner {
                    step.message = "lease \(previous.lease) of \(runner) ended unfinished; taken over"
                }
                try await desk.append([NewEvent(.diagnosisJob(step))], toTicket: job.ticketId, actor: principal.actor, at: at, in: session)
                return LeasedJob(job: job, host: host, leaseSeconds: jobPolicy.leaseSeconds)
            }
            return nil
        }
    }

    /// Every job some runner may take now, oldest first (what the long polls' bell follows).
    package func takeable(limit: Int) async throws -> [Job] {
        try await store.read { try await $0.takeableJobs(at: now(), hostId: nil, scope: nil, limit: limit) }
    }

    /// The runner starts the checks: the job is running, and its lease runs for another full term.
    /// Runners call it again while the checks run, to renew the lease.
    public func start(_ id: Int, lease: Int, by principal: Principal) async throws -> Job {
        try Access.runJobs(principal)
        return try await store.write { session in
            var job = try await held(id, lease: lease, by: principal, in: session)
            let previous = job.state
            let at = now()
            job.leaseUntil = at.addingTimeInterval(Double(jobPolicy.leaseSeconds))
            job.updatedAt = at
            job.state = .running
            guard try await session.updateJob(job, ifLease: lease, state: previous) else {
                throw CoordinatorError(.conflict, "job \(id) changed while starting; lease \(lease) may be over")
            }
            if previous == .leased {
                try await desk.append([NewEvent(.diagnosisJob(JobStep(job: id, state: .running, lease: lease)))], toTicket: job.ticketId,
                                      actor: principal.actor, at: at, in: session)
            }
            return job
        }
    }

    /// The runner's result under lease `lease`: a report with checks is attached (once: a retry
    /// of the same report answers the job as it is); one with only errors fails the job with
    /// them. A result whose lease was taken over, or that comes after the job finished another
    /// way, is refused and the refusal recorded on the ticket.
    public func finish(_ id: Int, lease: Int, report: DiagnosticReport, by principal: Principal,
                       in session: any StoreSession) async throws -> JobResult
    {
        try Access.runJobs(principal)
        try Validate.report(report)
        guard var job = try await session.job(id) else { throw CoordinatorError.notFound("job", id) }
        try await checkRunner(job, by: principal, in: session)
        if job.state == .attached, job.reportId == report.id, job.runner == principal.actor { return .accepted(job) }
        let at = now()
        let mine = job.lease == lease && job.runner == principal.actor
        guard mine, job.state == .leased || job.state == .running else {
            let reason = job.lease != lease || job.runner != principal.actor
                ? "lease \(lease) of job \(id) is over: \(job.runner.map(String.init(describing:)) ?? "nobody") holds lease \(job.lease)"
                : "job \(id) is \(job.state.rawValue) already"
            var step = JobStep(job: id, state: job.state, lease: lease, message: "result of \(principal.actor) refused: \(reason)")
            step.reportId = report.id
            try await desk.append([NewEvent(.diagnosisJob(step))], toTicket: job.ticketId, actor: principal.actor, at: at, in: session)
            return .refused(job, reason: reason)
        }
        guard let host = try await session.record(job.hostId, as: HostFields.self) else {
            throw CoordinatorError(.invalid, "job \(id)'s host \(job.hostId) no longer exists")
        }
        guard report.host == host.fields.name || report.host == host.fields.address else {
            throw CoordinatorError(.invalid, "job \(id) is about host \(host.fields.name); the report is about \(report.host)")
        }
        let previous = job.state
        job.updatedAt = at
        job.leaseUntil = nil
        if report.checks.isEmpty {
            job.state = .failed
            job.failure = report.errors.map(\.message).joined(separator: "; ").nilIfEmpty ?? "the runner ran no checks"
        } else {
            job.state = .attached
            job.reportId = report.id
        }
        guard try await session.updateJob(job, ifLease: lease, state: previous) else {
            throw CoordinatorError(.conflict, "job \(id) changed while its result was stored; try again")
        }
        var step = JobStep(job: id, state: job.state, lease: lease, message: job.failure)
        if job.state == .attached {
            guard var ticket = try await session.ticket(job.ticketId) else { throw CoordinatorError.notFound("ticket", job.ticketId) }
            _ = try await diagnoses.store(report, on: &ticket, postedBy: principal.actor, mayApply: true, job: id, in: session)
            step.reportId = report.id
        }
        try await desk.append([NewEvent(.diagnosisJob(step))], toTicket: job.ticketId, actor: principal.actor, at: at, in: session)
        return .accepted(job)
    }

    /// Expires the jobs nobody finished in time, each with an event; run by the scheduler under its own lease.
    public func runExpiry(at now: Date, holder: String = "local", leaseSeconds: Double = 90) async throws -> [Int] {
        try await store.write { session in
            guard try await session.acquireLease("job-expiry", holder: holder, now: now, until: now.addingTimeInterval(leaseSeconds)) else {
                return []
            }
            var expired: [Int] = []
            for var job in try await session.expiredJobs(at: now, limit: 500) {
                let previous = (state: job.state, lease: job.lease)
                job.failure = switch previous.state {
                case .queued: "nobody took it within \(jobPolicy.expireSeconds) s: the host has no live push agent and no collector serves its site"
                default: "not finished within \(jobPolicy.expireSeconds) s; last lease \(job.lease) by \(job.runner.map(String.init(describing:)) ?? "?")"
                }
                job.state = .expired
                job.updatedAt = now
                job.leaseUntil = nil
                guard try await session.updateJob(job, ifLease: previous.lease, state: previous.state) else { continue }
                try await desk.append([NewEvent(.diagnosisJob(JobStep(job: job.id, state: .expired, message: job.failure)))],
                                      toTicket: job.ticketId, actor: Self.actor, at: now, in: session)
                expired.append(job.id)
            }
            return expired
        }
    }

    /// A collector's hosts: those of the sites it serves and of its customers' sites, by site and
    /// name, each saying whether its own push agent reports (then the collector leaves it alone).
    public func scopedHosts(by principal: Principal) async throws -> [ScopedHostRecord] {
        guard principal.role == .collector, let scope = principal.scope else {
            throw CoordinatorError(.forbidden, "only a collector token lists the hosts of its scope")
        }
        return try await store.read { session in
            var siteIds = scope.sites
            for customer in scope.customers {
                siteIds += try await session.sites(ofCustomer: customer).map(\.id).filter { !siteIds.contains($0) }
            }
            var hosts: [Record<HostFields>] = []
            for site in siteIds { hosts += try await session.hosts(ofSite: site) }
            let live = try await session.hostsWithLiveAgent(hosts.map(\.id), at: now(), intervals: jobPolicy.agentLiveIntervals)
            return hosts.map { ScopedHostRecord(host: $0, pushAgent: live.contains($0.id)) }
        }
    }

    /// The job, when `principal` holds its lease `lease` and it is not finished.
    private func held(_ id: Int, lease: Int, by principal: Principal, in session: any StoreSession) async throws -> Job {
        guard let job = try await session.job(id) else { throw CoordinatorError.notFound("job", id) }
        try await checkRunner(job, by: principal, in: session)
        guard job.lease == lease, job.runner == principal.actor, job.state == .leased || job.state == .running else {
            throw CoordinatorError(.conflict, "lease \(lease) of job \(id) is over: it is \(job.state.rawValue), lease \(job.lease) "
                + "held by \(job.runner.map(String.init(describing:)) ?? "nobody")")
        }
        return job
    }

    /// A push agent runs only its own host's jobs; a collector only those of its scope.
    private func checkRunner(_ job: Job, by principal: Principal, in session: any StoreSession) async throws {
        if principal.role == .agent, principal.hostId != job.hostId {
            throw CoordinatorError(.forbidden, "this agent token is bound to host \(principal.hostId ?? 0); job \(job.id) is about host \(job.hostId)")
        }
        try Access.collect(host: job.hostId, siteId: job.siteId, customerId: job.customerId, by: principal)
    }

    package var diagnoses: Diagnoses { Diagnoses(core: core) }
}

extension String {
    package var nilIfEmpty: String? { isEmpty ? nil : self }
}
