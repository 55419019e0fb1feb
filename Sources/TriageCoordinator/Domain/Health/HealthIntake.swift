import Foundation
import TriageModel

/// A health report as the coordinator received it.
public struct ReceivedReport: Codable, Sendable, Equatable {
    public var receivedAt: Date
    /// Who posted it (`role:name`); nil for reports stored before this was recorded.
    public var postedBy: Actor?
    public var report: DiagnosticReport
}

/// Health reports from push agents and sweeps: item states, the tickets they open and resolve, host silence.
public struct HealthIntake: Room {
    let core: Core

    static let healthActor = Actor.system(.health)

    /// POST /reports: a report about one host — from its own push agent (an agent token bound to
    /// it), or from a technician's or collector's sweep (`hostId` names the host). Stored once per
    /// report id; each (plugin, item) goes through hysteresis and flap detection; new problems of
    /// the report open one ticket together, known ones add to theirs, a recurrence within the
    /// reopen window reopens, and recoveries resolve the tickets an agent opened and no person
    /// touched. Only push agents promise an interval, so only they are watched for silence.
    public func receive(_ report: DiagnosticReport, intervalSeconds: Int, hostId named: Int? = nil,
                              by principal: Principal, in session: any StoreSession) async throws -> ReportReceipt
    {
        try Validate.report(report)
        let host = try await reportedHost(report, named: named, by: principal, in: session)
        let hostId = host.id
        guard (1...86_400).contains(intervalSeconds) else { throw CoordinatorError.invalid("interval", "must be 1…86400 seconds") }
        var outcome = ReportReceipt(reportId: report.id, accepted: true)
        let at = now()
        // Every event a report causes names the report and who posted it.
        let source = ReportSource(reportId: report.id, postedBy: principal.actor)
        guard try await session.insertHealthReport(report, hostId: hostId, postedBy: principal.actor, at: at) else {
            outcome.accepted = false
            return outcome
        }
        if principal.role == .agent {
            try await heardFrom(host, intervalSeconds: intervalSeconds, source: source, at: at, outcome: &outcome, in: session)
        }

        var states = Dictionary(uniqueKeysWithValues: try await session.checkStates(hostId: hostId).map { ($0.key, $0) })
        var fresh: [CheckState] = []
        var touched: [Int: [NewEvent]] = [:]
        var cleared: Set<Int> = []
        for check in report.checks {
            let key = CheckState.key(check.plugin, check.item)
            var state = states[key] ?? CheckState(hostId: hostId, plugin: check.plugin, item: check.item, at: at)
            let seen = state.observe(check.status, summary: check.summary, at: at, policy: health)
            let item = CheckedItem(plugin: check.plugin, item: check.item, status: check.status.rawValue, summary: check.summary)
            if seen.transition == .opened || (seen.flappingStarted && state.ticketId == nil) {
                fresh.append(state)
            } else if let ticket = state.ticketId {
                if seen.flappingStarted { touched[ticket, default: []].append(NewEvent(.flapping(item))) }
                if seen.flappingStopped { touched[ticket, default: []].append(NewEvent(.flappingStopped(item))) }
                if seen.worsenedOrChanged { touched[ticket, default: []].append(NewEvent(.problemChanged(item))) }
                // Recovered: a problem cleared, or flapping over and the item is fine.
                if seen.transition == .cleared || (seen.flappingStopped && !state.problem) {
                    touched[ticket, default: []].append(NewEvent(.recovered(item)))
                    cleared.insert(ticket)
                }
            }
            states[key] = state
        }
        // Known problems back again go to their ticket (reopened within the window); the rest open one.
        var grouped: [CheckState] = []
        for state in fresh {
            if let id = state.ticketId, let ticket = try await session.ticket(id),
                ticket.status.isOpen || ticket.resolvedAt.map({ at.timeIntervalSince($0) <= Double(health.reopenWindowHours) * 3600 }) == true
            {
                touched[id, default: []].append(NewEvent(.problem(Problems(items: [Self.describe(state)]))))
            } else {
                grouped.append(state)
            }
        }
        // A technician on site at the host: new problems go to the visit's ticket, not a new one.
        if !grouped.isEmpty, let visit = try await session.visits(VisitFilter(onSiteAtHost: hostId), limit: 1).first {
            touched[visit.ticketId, default: []].append(NewEvent(.problem(Problems(items: grouped.map(Self.describe),
                                                                                   duringVisit: visit.id))))
            for state in grouped { states[state.key]?.ticketId = visit.ticketId }
        } else if !grouped.isEmpty {
            let ticket = try await openHealthTicket(for: grouped, on: host, report: report, source: source, at: at, in: session)
            outcome.opened.append(ticket.id)
            for state in grouped { states[state.key]?.ticketId = ticket.id }
        }
        try await session.saveCheckStates(states.values.sorted { ($0.plugin, $0.item) < ($1.plugin, $1.item) })
        for (id, events) in touched.sorted(by: { $0.key < $1.key }) {
            try await applyHealth(events, toTicket: id, recovered: cleared.contains(id), source: source, at: at,
                                  outcome: &outcome, in: session)
        }
        return outcome
    }

    public func checkStates(ofHost id: Int, by principal: Principal) async throws -> [CheckState] {
        try Access.readAll(principal)
        return try await store.read { session in
            guard try await session.exists(.host, id) else { throw CoordinatorError.notFound("host", id) }
            return try await session.checkStates(hostId: id)
        }
    }

    /// The host a report is about: an agent token's own, or the one `?host` names, whose name or
    /// address the report must carry.
    private func reportedHost(_ report: DiagnosticReport, named: Int?, by principal: Principal,
                              in session: any StoreSession) async throws -> Record<HostFields>
    {
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
            throw CoordinatorError(.forbidden, "a technician's token may not post health reports: what they change reaches other "
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
        guard report.host == host.fields.name || report.host == host.fields.address else {
            let whose = principal.role == .agent ? "this agent token is bound to" : "?host=\(hostId) is"
            throw CoordinatorError(.forbidden, "\(whose) host \(host.fields.name) (id \(hostId)); the report is about \(report.host)")
        }
        return host
    }

    /// The most report bytes one page of `healthReports` carries (always at least one report).
    static let reportPageBytes = 4 << 20

    /// The reports received about a host, newest first, a page at a time.
    public func reports(ofHost id: Int, cursor: String?, limit: Int, by principal: Principal) async throws -> Page<ReceivedReport> {
        try Access.readAll(principal)
        let before = try cursor.map(Cursor.decodeTimeAndKey).map { (time: $0.time, reportId: $0.key) }
        return try await store.read { session in
            guard try await session.exists(.host, id) else { throw CoordinatorError.notFound("host", id) }
            let (reports, more) = try await session.healthReports(hostId: id, before: before, limit: limit, maxBytes: Self.reportPageBytes)
            let next = more ? reports.last.map { Cursor.encode(time: $0.receivedAt, key: $0.report.id.uuidString) } : nil
            return Page(items: reports, nextCursor: next)
        }
    }

    private static func describe(_ state: CheckState) -> CheckedItem {
        CheckedItem(plugin: state.plugin, item: state.item, status: state.status.rawValue, summary: state.summary,
                    flapping: state.flapping)
    }

    /// One ticket for the problems a report brought up together.
    private func openHealthTicket(for states: [CheckState], on host: Record<HostFields>, report: DiagnosticReport,
                                  source: ReportSource, at: Date,
                                  in session: any StoreSession) async throws -> Ticket
    {
        let lines = states.map { "\($0.plugin) \($0.item): \($0.status.rawValue) — \($0.summary)" }
        let title = states.count == 1
            ? "\(host.fields.name): \(states[0].plugin) \(states[0].item) \(states[0].status.rawValue)"
            : "\(host.fields.name): \(states.count) problems (\(states.map { "\($0.plugin) \($0.item)" }.joined(separator: ", ")))"
        let severity = states.map { health.severity(of: $0.status, on: host.fields.criticality) }.min() ?? 4
        let items = Set(states.map(\.key))
        let skills = Set(report.checks.filter { items.contains(CheckState.key($0.plugin, $0.item)) }.flatMap(assignment.skills(for:))).sorted()
        let input = TicketInput(
            title: String(title.prefix(200)), severity: severity, channel: .agent, hostId: host.id, requiredSkills: skills,
            description: lines.joined(separator: "\n"), tags: states.contains(where: \.flapping) ? ["flapping"] : [])
        let first = states[0]
        var ticket = try await desk.newTicket(input, actor: Self.healthActor,
                                         dedupeKey: "health/\(host.id)/\(first.plugin)/\(first.item)", in: session)
        try await desk.save(&ticket, events: source.stamp([NewEvent(.problem(Problems(items: states.map(Self.describe))))]),
                       actor: Self.healthActor, at: at, in: session)
        return ticket
    }

    /// Adds a report's events to a ticket; reopens it for a recurrence; resolves it when all its
    /// items recovered, an agent opened it and no person touched it.
    private func applyHealth(_ events: [NewEvent], toTicket id: Int, recovered: Bool, source: ReportSource, at: Date,
                             outcome: inout ReportReceipt, in session: any StoreSession) async throws
    {
        guard var ticket = try await session.ticket(id) else { return }
        var all = events
        if !ticket.status.isOpen && events.contains(where: { $0.kind == .problem }) {
            all.append(try await desk.reopen(&ticket, reason: "the problem came back within \(health.reopenWindowHours) h", at: at, in: session))
            outcome.reopened.append(id)
        } else {
            outcome.updated.append(id)
        }
        let states = try await session.checkStates(ticketId: id)
        if events.contains(where: { $0.kind == .flapping }), !ticket.tags.contains("flapping") { ticket.tags.append("flapping") }
        if recovered, ticket.status.isOpen, !states.contains(where: { $0.problem || $0.flapping }),
            try await untouchedByPeople(ticket, in: session)
        {
            all.append(try await autoResolve(&ticket, "every problem recovered; an agent opened it and no person touched it",
                                             at: at, in: session))
            outcome.resolved.append(id)
        }
        try await desk.save(&ticket, events: source.stamp(all), actor: Self.healthActor, at: at, in: session)
    }

    private func autoResolve(_ ticket: inout Ticket, _ reason: String, at: Date, in session: any StoreSession)
        async throws -> NewEvent
    {
        let from = ticket.status
        try desk.move(&ticket, to: .resolved, at: at)
        try await desk.recomputeDueTimes(&ticket, pending: .resolved, at: at, in: session)
        return NewEvent(.statusChanged(StatusChange(from: from, to: .resolved, reason: reason)))
    }

    /// Opened by an agent or the health rules, and no public comment or assignment change by a person.
    func untouchedByPeople(_ ticket: Ticket, in session: any StoreSession) async throws -> Bool {
        guard !ticket.createdBy.isPerson else { return false }
        for event in try await session.events(ticketId: ticket.id, after: nil, limit: 100_000) where event.actor.isPerson {
            switch event.entry {
            case .assigned?, .unassigned?: return false
            case .comment(let comment)? where comment.visibility != .internal: return false
            default: continue
            }
        }
        return true
    }

    /// Records that the host reported; a silence ticket gets the news and resolves when untouched.
    private func heardFrom(_ host: Record<HostFields>, intervalSeconds: Int, source: ReportSource, at: Date,
                           outcome: inout ReportReceipt, in session: any StoreSession) async throws
    {
        let before = try await session.hostHealth(host.id)
        try await session.saveHostHealth(HostHealth(hostId: host.id, lastReportAt: at, intervalSeconds: intervalSeconds,
                                                    silentTicketId: nil))
        guard let silent = before?.silentTicketId, var ticket = try await session.ticket(silent), ticket.status.isOpen else { return }
        var events = [NewEvent(.hostReporting(HostReporting(lastReportAt: before!.lastReportAt)))]
        if try await untouchedByPeople(ticket, in: session) {
            events.append(try await autoResolve(&ticket, "the host reports again", at: at, in: session))
            outcome.resolved.append(silent)
        } else {
            outcome.updated.append(silent)
        }
        try await desk.save(&ticket, events: source.stamp(events), actor: Self.healthActor, at: at, in: session)
    }

    /// Opens one "not reporting" ticket per host that missed `health.silentIntervals` of its
    /// report intervals; run by the scheduler under its own lease.
    public func runSilenceChecks(at now: Date, holder: String = "local", leaseSeconds: Double = 90) async throws -> [Int] {
        try await store.write { session in
            guard try await session.acquireLease("host-silence", holder: holder, now: now, until: now.addingTimeInterval(leaseSeconds)) else {
                return []
            }
            var opened: [Int] = []
            for silent in try await session.silentHosts(at: now, intervals: health.silentIntervals) {
                guard let host = try await session.record(silent.hostId, as: HostFields.self) else { continue }
                let missed = Int(now.timeIntervalSince(silent.lastReportAt)) / max(silent.intervalSeconds, 1)
                var ticket = try await desk.newTicket(
                    TicketInput(title: "\(host.fields.name) is not reporting",
                                severity: health.severity(of: .unknown, on: host.fields.criticality), channel: .agent, hostId: host.id,
                                description: "No health report since \(silent.lastReportAt.internetTime) "
                                    + "(one every \(silent.intervalSeconds) s expected, \(missed) intervals missed)."),
                    actor: Self.healthActor, dedupeKey: "silent/\(host.id)", in: session)
                try await desk.save(&ticket, events: [NewEvent(.hostSilent(HostSilent(lastReportAt: silent.lastReportAt,
                                                                                 intervalSeconds: silent.intervalSeconds)))],
                               actor: Self.healthActor, at: now, in: session)
                var marked = silent
                marked.silentTicketId = ticket.id
                try await session.saveHostHealth(marked)
                opened.append(ticket.id)
            }
            return opened
        }
    }
}
