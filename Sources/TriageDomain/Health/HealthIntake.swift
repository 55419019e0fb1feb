import Foundation
import TriageModel

/// A health report as the coordinator received it.
public struct ReceivedReport: Codable, Sendable, Equatable {
    public var receivedAt: Date
    /// Who posted it (`role:name`); nil for reports stored before this was recorded.
    public var postedBy: Actor?
    public var report: DiagnosticReport

    package init(receivedAt: Date, postedBy: Actor? = nil, report: DiagnosticReport) {
        self.receivedAt = receivedAt
        self.postedBy = postedBy
        self.report = report
    }
}

/// Health reports from push agents and sweeps: item states, the tickets they open and resolve, host silence.
public struct HealthIntake: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Reports, item states and silence; the tickets they open and resolve go through the ticket desk.
    public typealias Storage = HealthRecords & TicketDesk.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    package static let healthActor = Actor.system(.health)

    /// POST /reports: a report about one host — from its own push agent (an agent token bound to
    /// it), or from a technician's or collector's sweep (`hostId` names the host). Stored once per
    /// report id, then load → plan → apply: the snapshot is read in a few statements,
    /// `HealthPlanner` decides everything without I/O, and only what changed is written. Only push
    /// agents and collectors (on their schedule) promise an interval, so only their hosts are
    /// watched for silence.
    public func receive(
        _ report: DiagnosticReport, intervalSeconds: Int, hostId named: Int? = nil,
        by principal: Principal, in session: Records
    ) async throws -> ReportReceipt {
        try Validate.report(report)
        let host = try await reportedHost(report, named: named, by: principal, in: session)
        guard (1...86_400).contains(intervalSeconds) else { throw CoordinatorError.invalid("interval", "must be 1…86400 seconds") }
        let at = now()
        guard try await session.insertHealthReport(report, hostId: host.id, postedBy: principal.actor, at: at) else {
            return ReportReceipt(reportId: report.id, accepted: false)
        }
        var snapshot = try await snapshot(
            of: host, for: report, interval: principal.role.isMachine ? intervalSeconds : nil,
            at: at, in: session)
        snapshot.byAgent = principal.role == .agent
        let plan = planner.plan(report, snapshot, at: at)
        // Every event a report causes names the report and who posted it.
        return try await apply(
            plan, snapshot, source: ReportSource(reportId: report.id, postedBy: principal.actor), at: at,
            in: session)
    }

    package var planner: HealthPlanner { HealthPlanner(policy: health, assignment: assignment) }

    /// A report made of Alertmanager's alerts about `host` (`AlertIntake`): stored, then the same
    /// rules, but one firing alert opens and one resolved alert recovers — Alertmanager has
    /// applied its own hold times — and no silence is watched.
    package func receiveAlerts(_ report: DiagnosticReport, host: Record<HostFields>, by principal: Principal, in session: Records)
        async throws -> ReportReceipt
    {
        let at = now()
        guard try await session.insertHealthReport(report, hostId: host.id, postedBy: principal.actor, at: at) else {
            return ReportReceipt(reportId: report.id, accepted: false)
        }
        var policy = health
        (policy.openAfter, policy.clearAfter) = (1, 1)
        let planner = HealthPlanner(policy: policy, assignment: assignment)
        let snapshot = try await snapshot(of: host, for: report, interval: nil, at: at, planner: planner, in: session)
        let plan = planner.plan(report, snapshot, at: at)
        return try await apply(plan, snapshot, source: ReportSource(reportId: report.id, postedBy: principal.actor), at: at, in: session)
    }

    /// What `plan` reads: the host's item states always (and its reporting record for a push
    /// agent); tickets, their people's history, other hosts' states and an on-site visit only when
    /// the report can act on them — a steady report costs two reads.
    private func snapshot(
        of host: Record<HostFields>, for report: DiagnosticReport, interval: Int?, at: Date, planner: HealthPlanner? = nil,
        in session: Records
    ) async throws -> HealthSnapshot {
        let planner = planner ?? self.planner
        var snapshot = HealthSnapshot(host: host, interval: interval)
        if interval != nil { snapshot.hostHealth = try await session.hostHealth(host.id) }
        snapshot.states = try await session.checkStates(hostId: host.id)
        var wants = planner.wants(
            report, hostId: host.id, states: snapshot.states, hostHealth: snapshot.hostHealth,
            interval: interval, at: at)
        if wants.visit, let visit = try await session.visits(VisitFilter(onSiteAtHost: host.id), limit: 1).first {
            snapshot.visitOnSite = visit
            wants.tickets.insert(visit.ticketId)
        }
        for ticket in try await session.tickets(ids: wants.tickets.sorted()) { snapshot.tickets[ticket.id] = ticket }
        let mayResolve = wants.mayResolve.filter { snapshot.tickets[$0].map { !$0.createdBy.isPerson } == true }.sorted()
        if !mayResolve.isEmpty {
            snapshot.touchedByPeople = try await ticketsTouchedByPeople(mayResolve, in: session)
            snapshot.otherStates = try await session.checkStates(ticketIds: mayResolve).filter { $0.hostId != host.id }
        }
        return snapshot
    }

    /// Of `ids`, the tickets a person answered publicly, assigned or unassigned.
    private func ticketsTouchedByPeople(_ ids: [Int], in session: Records) async throws -> Set<Int> {
        var touched: Set<Int> = []
        for event in try await session.events(ticketIds: ids, kinds: [.assigned, .unassigned, .comment]) where event.actor.isPerson {
            if case .comment(let comment)? = event.entry, comment.visibility == .internal { continue }
            touched.insert(event.ticketId)
        }
        return touched
    }

    /// Writes a plan: the host's record, a new ticket, the changed item states, then each ticket's
    /// events with its reopening, flapping tag and resolution, all stamped with the report.
    private func apply(
        _ plan: HealthPlan, _ snapshot: HealthSnapshot, source: ReportSource, at: Date,
        in session: Records
    ) async throws -> ReportReceipt {
        var receipt = ReportReceipt(reportId: source.reportId, accepted: true)
        (receipt.updated, receipt.reopened, receipt.resolved) = (plan.updated, plan.reopened, plan.resolved)
        if let record = plan.hostHealth { try await session.saveHostHealth(record) }
        var states = plan.states
        if let new = plan.newTicket {
            let ticket = try await desk.newTicket(
                new.input, actor: Self.healthActor, dedupeKey: new.dedupeKey,
                opening: source.stamp(new.events), host: snapshot.host, in: session)
            receipt.opened.append(ticket.id)
            for index in states.indices where new.items.contains(states[index].key) { states[index].ticketId = ticket.id }
        }
        if !states.isEmpty { try await session.saveCheckStates(states) }
        var tickets = snapshot.tickets
        for update in plan.updates {
            guard var ticket = tickets[update.ticketId] else { continue }
            var events = update.events
            if let reason = update.reopen { events.append(try await desk.reopen(&ticket, reason: reason, at: at, in: session)) }
            if update.tagFlapping { ticket.tags.append("flapping") }
            if let reason = update.resolve { events.append(try await autoResolve(&ticket, reason, at: at, in: session)) }
            try await desk.save(&ticket, events: source.stamp(events), actor: Self.healthActor, at: at, in: session)
            tickets[ticket.id] = ticket
        }
        return receipt
    }

    public func checkStates(ofHost id: Int, by principal: Principal) async throws -> [CheckState] {
        try Access.readAll(principal)
        return try await read { session in
            guard try await session.exists(.host, id) else { throw CoordinatorError.notFound("host", id) }
            return try await session.checkStates(hostId: id)
        }
    }

    /// The host a report is about: an agent token's own, or the one `?host` names, whose name or
    /// address the report must carry.
    private func reportedHost(
        _ report: DiagnosticReport, named: Int?, by principal: Principal,
        in session: Records
    ) async throws -> Record<HostFields> {
        let hostId: Int
        switch (principal.role, principal.hostId, named) {
        case (.agent, let bound?, let named):
            if let named, named != bound {
                throw CoordinatorError(.forbidden, "this agent token is bound to host \(bound); it may not report for host \(named)")
            }
            hostId = bound
        case (.agent, nil, _):
            throw CoordinatorError(.forbidden, "this agent token is bound to no host")
        case (.technician, _, _?):
            throw CoordinatorError(
                .forbidden,
                "a technician's token may not post health reports: what they change reaches other "
                    + "people's tickets; sweep with a dispatcher's token, or attach the diagnosis to your ticket")
        case (_, _, let named?):
            hostId = named
        case (_, _, nil):
            throw CoordinatorError(.badRequest, "a report from a person's or collector's token names its host: add ?host=ID")
        }
        guard let host = try await session.record(hostId, as: HostFields.self) else {
            throw principal.role == .agent
                ? CoordinatorError(.forbidden, "this agent token is bound to host \(hostId), which no longer exists")
                : CoordinatorError.notFound("host", hostId)
        }
        if principal.role == .collector {
            guard let site = try await session.record(host.fields.siteId, as: SiteFields.self) else {
                throw CoordinatorError.notFound("site", host.fields.siteId)
            }
            try Access.collect(host: hostId, siteId: site.id, customerId: site.fields.customerId, by: principal)
        }
        guard report.host == host.fields.name || report.host == host.fields.address else {
            let whose = principal.role == .agent ? "this agent token is bound to" : "?host=\(hostId) is"
            throw CoordinatorError(.forbidden, "\(whose) host \(host.fields.name) (id \(hostId)); the report is about \(report.host)")
        }
        return host
    }

    /// The most report bytes one page of `healthReports` carries (always at least one report).
    package static let reportPageBytes = 4 << 20

    /// The reports received about a host, newest first, a page at a time.
    public func reports(ofHost id: Int, cursor: String?, limit: Int, by principal: Principal) async throws -> Page<ReceivedReport> {
        try Access.readAll(principal)
        let before = try cursor.map(Cursor.decodeTimeAndKey).map { (time: $0.time, reportId: $0.key) }
        return try await read { session in
            guard try await session.exists(.host, id) else { throw CoordinatorError.notFound("host", id) }
            let (reports, more) = try await session.healthReports(hostId: id, before: before, limit: limit, maxBytes: Self.reportPageBytes)
            let next = more ? reports.last.map { Cursor.encode(time: $0.receivedAt, key: $0.report.id.uuidString) } : nil
            return Page(items: reports, nextCursor: next)
        }
    }

    private func autoResolve(_ ticket: inout Ticket, _ reason: String, at: Date, in session: Records)
        async throws -> NewEvent
    {
        let from = ticket.status
        try desk.move(&ticket, to: .resolved, at: at)
        try await desk.recomputeDueTimes(&ticket, pending: .resolved, at: at, in: session)
        return NewEvent(.statusChanged(StatusChange(from: from, to: .resolved, reason: reason)))
    }

    /// Opens one "not reporting" ticket per host that missed `health.silentIntervals` of its
    /// report intervals; run by the scheduler under its own lease.
    public func runSilenceChecks(at now: Date, holder: String = "local", leaseSeconds: Double = 90) async throws -> [Int] {
        try await write { session in
            guard try await session.acquireLease("host-silence", holder: holder, now: now, until: now.addingTimeInterval(leaseSeconds))
            else {
                return []
            }
            var opened: [Int] = []
            for silent in try await session.silentHosts(at: now, intervals: health.silentIntervals) {
                guard let host = try await session.record(silent.hostId, as: HostFields.self) else { continue }
                let missed = Int(now.timeIntervalSince(silent.lastReportAt)) / max(silent.intervalSeconds, 1)
                let ticket = try await desk.newTicket(
                    TicketInput(
                        title: "\(host.fields.name) is not reporting",
                        severity: health.severity(of: .unknown, on: host.fields.criticality), channel: .agent, hostId: host.id,
                        description: "No health report since \(silent.lastReportAt.internetTime) "
                            + "(one every \(silent.intervalSeconds) s expected, \(missed) intervals missed)."),
                    actor: Self.healthActor, dedupeKey: "silent/\(host.id)",
                    opening: [
                        NewEvent(.hostSilent(HostSilent(lastReportAt: silent.lastReportAt, intervalSeconds: silent.intervalSeconds)))
                    ],
                    host: host, in: session)
                var marked = silent
                marked.silentTicketId = ticket.id
                try await session.saveHostHealth(marked)
                opened.append(ticket.id)
            }
            return opened
        }
    }
}
