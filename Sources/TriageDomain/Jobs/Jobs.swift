import Foundation
import TriageModel

/// "Diagnose now" (docs/jobs.md): a person asks for a diagnosis of a ticket's host; the host's
/// push agent, or a collector serving its site when it has no live agent, leases the job, runs
/// the checks and posts the result, which is attached at most once. Every step is an event on
/// the ticket.
public struct Jobs: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Jobs, and the diagnosis a finished one attaches.
    public typealias Storage = JobRecords & HealthRecords & TicketDesk.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    package static let actor = Actor.system(.jobs)

    /// Queues a job for the ticket's host. One unfinished job per ticket: asking again while one
    /// waits or runs is a 409 naming it.
    public func request(
        ticketId: Int, checks: [String], params: [String: String], by principal: Principal,
        in session: Records
    ) async throws -> Job {
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
            throw CoordinatorError(
                .conflict,
                "job \(running.id) for ticket \(ticketId) is \(running.state.rawValue) already "
                    + "(GET /api/v1/jobs/\(running.id)); ask again when it is done")
        }
        let at = now()
        let job = try await session.insertJob(
            Job(
                id: 0, ticketId: ticketId, hostId: hostId, siteId: site.id, customerId: site.fields.customerId, checks: checks,
                params: params, state: .queued, requestedBy: principal.actor, createdAt: at, updatedAt: at,
                expiresAt: at.addingTimeInterval(Double(jobPolicy.expireSeconds)), lease: 0))
        try await desk.append(
            [NewEvent(.diagnosisJob(JobStep(job: job.id, state: .queued, checks: checks)))], toTicket: ticketId,
            actor: principal.actor, at: at, in: session)
        return job
    }

    public func job(_ id: Int, by principal: Principal) async throws -> Job {
        try Access.readAll(principal)
        guard let job = try await read({ try await $0.job(id) }) else { throw CoordinatorError.notFound("job", id) }
        return job
    }

    /// Newest first; of one ticket, in some states, before the id `before`.
    public func list(ticketId: Int?, states: [JobState], before: Int?, limit: Int, by principal: Principal) async throws -> Page<Job> {
        try Access.readAll(principal)
        let jobs = try await read { try await $0.jobs(ticketId: ticketId, states: states, before: before, limit: limit + 1) }
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
        guard try await read({ try await !$0.takeableJobs(at: now(), hostId: hostId, scope: scope, limit: 1).isEmpty }) else {
            return nil
        }
        return try await write { session in
            let at = now()
            var candidates = try await session.takeableJobs(at: at, hostId: hostId, scope: scope, limit: 50)
            if principal.role == .collector {
                let served = try await session.hostsWithLiveAgent(
                    Array(Set(candidates.map(\.hostId))), at: at,
                    intervals: jobPolicy.agentLiveIntervals)
                candidates.removeAll { served.contains($0.hostId) }
            }
            for candidate in candidates {
                let host = try await session.record(candidate.hostId, as: HostFields.self)
                var lifecycle = JobLifecycle(candidate, policy: jobPolicy)
                let action = lifecycle.event(.lease(runner: principal.actor, hostExists: host != nil), at: at)
                if case .fail = action { continue }
                guard let job = try await apply(action, by: host == nil ? Self.actor : principal.actor, at: at, in: session),
                    let host, job.state == .leased
                else { continue }
                return LeasedJob(job: job, host: host, leaseSeconds: jobPolicy.leaseSeconds)
            }
            return nil
        }
    }

    /// Every job some runner may take now, oldest first (what the long polls' bell follows).
    package func takeable(limit: Int) async throws -> [Job] {
        try await read { try await $0.takeableJobs(at: now(), hostId: nil, scope: nil, limit: limit) }
    }

    /// The runner starts the checks: the job is running, and its lease runs for another full term.
    /// Runners call it again while the checks run, to renew the lease.
    public func start(_ id: Int, lease: Int, by principal: Principal) async throws -> Job {
        try Access.runJobs(principal)
        return try await write { session in
            guard let job = try await session.job(id) else { throw CoordinatorError.notFound("job", id) }
            try checkRunner(job, by: principal)
            var lifecycle = JobLifecycle(job, policy: jobPolicy)
            let at = now()
            let action = lifecycle.event(.start(lease: lease, runner: principal.actor), at: at)
            return try await apply(action, by: principal.actor, at: at, in: session) ?? job
        }
    }

    /// The runner's result under lease `lease`: a report with checks is attached (once: a retry
    /// of the same report answers the job as it is); one with only errors fails the job with
    /// them. A result whose lease was taken over, or that comes after the job finished another
    /// way, is refused and the refusal recorded on the ticket.
    public func finish(
        _ id: Int, lease: Int, report: DiagnosticReport, by principal: Principal,
        in session: Records
    ) async throws -> JobResult {
        try Access.runJobs(principal)
        try Validate.report(report)
        guard let job = try await session.job(id) else { throw CoordinatorError.notFound("job", id) }
        try checkRunner(job, by: principal)
        let host = try await session.record(job.hostId, as: HostFields.self)
        var lifecycle = JobLifecycle(job, policy: jobPolicy)
        let at = now()
        let action = lifecycle.event(.finish(lease: lease, runner: principal.actor, report: report, host: host?.fields), at: at)
        switch action {
        case .unchanged(let job): return .accepted(job)
        case .refuse(let job, let reason, let step):
            try await desk.append([NewEvent(.diagnosisJob(step))], toTicket: job.ticketId, actor: principal.actor, at: at, in: session)
            return .refused(job, reason: reason)
        case .save(let saved, let ifLease, let ifState, _, let conflict, true):
            // The write first, then the diagnosis it attaches, then the step: all in this transaction.
            guard try await session.updateJob(saved, ifLease: ifLease, state: ifState) else {
                throw CoordinatorError(.conflict, conflict ?? "job \(id) changed while its result was stored")
            }
            guard var ticket = try await session.ticket(saved.ticketId) else { throw CoordinatorError.notFound("ticket", saved.ticketId) }
            _ = try await diagnoses.store(report, on: &ticket, postedBy: principal.actor, mayApply: true, job: id, in: session)
            try await record(action, by: principal.actor, at: at, in: session)
            return .accepted(saved)
        case .save(let saved, _, _, _, _, false):
            return .accepted(try await apply(action, by: principal.actor, at: at, in: session) ?? saved)
        case .fail(let error): throw error
        }
    }

    /// Expires the jobs nobody finished in time, each with an event; run by the scheduler under its own lease.
    public func runExpiry(at now: Date, holder: String = "local", leaseSeconds: Double = 90) async throws -> [Int] {
        try await write { session in
            guard try await session.acquireLease("job-expiry", holder: holder, now: now, until: now.addingTimeInterval(leaseSeconds)) else {
                return []
            }
            var expired: [Int] = []
            for job in try await session.expiredJobs(at: now, limit: 500) {
                var lifecycle = JobLifecycle(job, policy: jobPolicy)
                let action = lifecycle.event(.expire, at: now)
                if case .fail = action { continue }
                if try await apply(action, by: Self.actor, at: now, in: session) != nil { expired.append(job.id) }
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
        return try await read { session in
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

    /// Carries out what the lifecycle decided: the compare-and-set write, then the step on the
    /// ticket's history by `actor`. Returns the job as stored; nil when another writer changed it
    /// first and the action passes over it quietly.
    private func apply(_ action: JobLifecycle.Action, by actor: Actor, at: Date, in session: Records) async throws -> Job? {
        switch action {
        case .save(let job, let lease, let state, _, let conflict, _):
            guard try await session.updateJob(job, ifLease: lease, state: state) else {
                if let conflict { throw CoordinatorError(.conflict, conflict) }
                return nil
            }
            try await record(action, by: actor, at: at, in: session)
            return job
        case .unchanged(let job), .refuse(let job, _, _): return job
        case .fail(let error): throw error
        }
    }

    /// The step a saved action records on its ticket, if any.
    private func record(_ action: JobLifecycle.Action, by actor: Actor, at: Date, in session: Records) async throws {
        guard case .save(let job, _, _, let step?, _, _) = action else { return }
        try await desk.append([NewEvent(.diagnosisJob(step))], toTicket: job.ticketId, actor: actor, at: at, in: session)
    }

    /// A push agent runs only its own host's jobs; a collector only those of its scope.
    private func checkRunner(_ job: Job, by principal: Principal) throws {
        if principal.role == .agent, principal.hostId != job.hostId {
            throw CoordinatorError(
                .forbidden, "this agent token is bound to host \(principal.hostId ?? 0); job \(job.id) is about host \(job.hostId)")
        }
        try Access.collect(host: job.hostId, siteId: job.siteId, customerId: job.customerId, by: principal)
    }

    package var diagnoses: Diagnoses { Diagnoses(core: core) }
}

extension String {
    package var nilIfEmpty: String? { isEmpty ? nil : self }
}
