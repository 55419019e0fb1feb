import Foundation
import TriageModel

/// Diagnoses attached to tickets, and what their flags (on-site, vendor, tier) do to them.
public struct Diagnoses: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Diagnoses, and what their flags change on the ticket, through the ticket desk.
    public typealias Storage = HealthRecords & TicketDesk.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// Attaches a report to a ticket, once per report id: a repeat returns the stored one
    /// (`created` false) and records nothing. An agent may only attach to tickets about its host,
    /// and only reports about that host. On an open ticket the recommendation acts
    /// (`applyDiagnosis`) when the poster may change the ticket (`Access.applyDiagnosis`);
    /// anyone else's waits, as information, for someone who may to apply it.
    public func attach(
        _ report: DiagnosticReport, toTicket id: Int, by principal: Principal,
        in session: Records
    ) async throws -> (diagnostic: Diagnostic, created: Bool) {
        try Validate.report(report)
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        let mayApply: Bool
        if principal.role == .collector {
            throw CoordinatorError(.forbidden, "a collector attaches diagnoses as the results of jobs (POST /api/v1/jobs/{id}/result)")
        } else if principal.role == .agent {
            // An agent may not attach at all where it may not apply: only to its own host's tickets.
            try Access.applyDiagnosis(to: ticket, by: principal)
            try await checkAgentHost(report, by: principal, in: session)
            mayApply = true
        } else {
            mayApply = (try? Access.applyDiagnosis(to: ticket, by: principal)) != nil
        }
        return try await store(report, on: &ticket, postedBy: principal.actor, mayApply: mayApply, in: session)
    }

    /// Stores a report on a ticket (once per report id) and, when `mayApply` and the ticket is
    /// open, lets its recommendation act. A diagnosis job's result comes here with the right of
    /// the person who requested it, checked then (`Jobs.finish`).
    package func store(
        _ report: DiagnosticReport, on ticket: inout Ticket, postedBy poster: Actor, mayApply: Bool, job: Int? = nil,
        in session: Records
    ) async throws -> (diagnostic: Diagnostic, created: Bool) {
        let id = ticket.id
        if let existing = try await session.diagnostic(reportId: report.id) {
            guard existing.ticketId == id else {
                throw CoordinatorError(.conflict, "report \(report.id) is already attached to ticket \(existing.ticketId)")
            }
            return (existing, false)
        }
        let attached = try await session.diagnosticCount(ticketId: id)
        if attached >= limits.maxDiagnosticsPerTicket {
            throw CoordinatorError(
                .conflict,
                "ticket \(id) already has \(attached) diagnoses, the most one ticket keeps "
                    + "(maxDiagnosticsPerTicket): summarise them in a comment and open a new ticket for new findings")
        }
        let at = now()
        let applies = mayApply && ticket.status.isOpen
        var diagnostic = Diagnostic(
            id: 0, ticketId: id, postedBy: poster, receivedAt: at, report: report,
            appliedAt: applies ? at : nil, appliedBy: applies ? poster : nil)
        diagnostic.id = try await session.insertDiagnostic(diagnostic)
        var attachedEvent = DiagnosticAttached(
            reportId: report.id, host: report.host, status: report.status.rawValue,
            problems: report.checks.filter { $0.status != .ok }.map { "\($0.plugin)/\($0.item): \($0.status.rawValue)" },
            onsite: report.recommendation.onsite, vendors: report.recommendation.vendors, tier: report.recommendation.tier,
            applied: applies)
        attachedEvent.job = job
        if !mayApply {
            attachedEvent.waiting =
                "\(poster) may not change ticket \(id): its recommendation acts once the assignee "
                + "or a dispatcher applies it (POST /api/v1/tickets/\(id)/diagnostics/\(report.id.uuidString)/apply)"
        }
        var events = [NewEvent(.diagnosticAttached(attachedEvent))]
        if applies { events += try await applyDiagnosis(report, to: &ticket, at: at, in: session) }
        try await desk.save(&ticket, events: events, actor: poster, at: at, in: session)
        return (diagnostic, true)
    }

    /// Applies a diagnosis that was attached as information: its recommendation acts now, as if
    /// the person applying it had posted it. Once only.
    public func apply(
        _ reportId: UUID, ofTicket id: Int, by principal: Principal,
        in session: Records
    ) async throws -> Diagnostic {
        try Access.readAll(principal)
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        guard var diagnostic = try await session.diagnostic(reportId: reportId), diagnostic.ticketId == id else {
            throw CoordinatorError(.notFound, "ticket \(id) has no diagnosis \(reportId.uuidString)")
        }
        try Access.applyDiagnosis(to: ticket, by: principal)
        if let appliedAt = diagnostic.appliedAt {
            throw CoordinatorError(
                .conflict,
                "diagnosis \(reportId.uuidString) was applied at \(appliedAt.internetTime)"
                    + " by \(diagnostic.appliedBy.map(String.init(describing:)) ?? "?")")
        }
        guard ticket.status.isOpen else {
            throw CoordinatorError(.conflict, "ticket \(id) is \(ticket.status.rawValue); reopen it before applying a diagnosis")
        }
        let at = now()
        try await session.markDiagnosticApplied(reportId: reportId, by: principal.actor, at: at)
        (diagnostic.appliedAt, diagnostic.appliedBy) = (at, principal.actor)
        var events = [NewEvent(.diagnosisApplied(DiagnosisApplied(reportId: reportId, postedBy: diagnostic.postedBy)))]
        events += try await applyDiagnosis(diagnostic.report, to: &ticket, at: at, in: session)
        try await desk.save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return diagnostic
    }

    /// An agent's report must be about its own host, by the host's name or address.
    private func checkAgentHost(_ report: DiagnosticReport, by principal: Principal, in session: Records) async throws {
        guard let hostId = principal.hostId, let host = try await session.record(hostId, as: HostFields.self) else {
            throw CoordinatorError(.forbidden, "this agent token is bound to no existing host")
        }
        guard report.host == host.fields.name || report.host == host.fields.address else {
            throw CoordinatorError(
                .forbidden,
                "this agent token is bound to host \(host.fields.name) (id \(hostId)); "
                    + "the report is about \(report.host)")
        }
    }

    /// A page of a ticket's diagnoses in the order received, after the cursor `after`.
    public func list(ofTicket id: Int, after: Int?, limit: Int, by principal: Principal) async throws -> Page<Diagnostic> {
        try Access.readAll(principal)
        let (exists, items) = try await read { session in
            (try await session.ticket(id) != nil, try await session.diagnostics(ticketId: id, after: after, before: nil, limit: limit + 1))
        }
        guard exists else { throw CoordinatorError.notFound("ticket", id) }
        return Page(items, limit: limit, id: \.id)
    }

    /// The newest `limit` diagnoses before the one with id `before` (all when nil), and how many there are.
    public func latest(ofTicket id: Int, before: Int?, limit: Int, by principal: Principal) async throws
        -> (items: [Diagnostic], total: Int)
    {
        try Access.readAll(principal)
        return try await read { session in
            (
                try await session.diagnostics(ticketId: id, after: nil, before: before ?? Int.max, limit: limit),
                try await session.diagnosticCount(ticketId: id)
            )
        }
    }

    /// What a diagnosis changes on an open ticket, each change an event: the on-site flag with
    /// its reasons, vendors to open a case with, a higher tier (a functional escalation), and the
    /// skills its failing plugins call for. Assignment runs again when the ticket has nobody,
    /// went up a tier, or its assignee lacks what it needs now.
    package func applyDiagnosis(_ report: DiagnosticReport, to ticket: inout Ticket, at: Date, in session: Records)
        async throws -> [NewEvent]
    {
        let recommendation = report.recommendation
        let reportId = report.id
        func reasons(_ flag: Recommendation.Reason.Flag, vendor: String? = nil) -> [String] {
            recommendation.reasons.filter { $0.flag == flag && (vendor == nil || $0.vendor == vendor) }
                .map { "\($0.plugin)/\($0.item): \($0.reason)" }
        }
        var events: [NewEvent] = []
        if recommendation.onsite {
            let added = reasons(.onsite).filter { !ticket.flags.onsiteReasons.contains($0) }
            if !ticket.flags.onsite || !added.isEmpty {
                ticket.flags.onsite = true
                ticket.flags.onsiteReasons += added
                events.append(NewEvent(.flagged(Flagged(flag: "onsite", reasons: added, reportId: reportId))))
            }
        }
        for vendor in recommendation.vendors
        where !ticket.flags.vendorSuggestions.contains(vendor) && ticket.flags.vendorCase?.vendor != vendor {
            ticket.flags.vendorSuggestions.append(vendor)
            events.append(
                NewEvent(
                    .vendorCaseSuggested(
                        VendorSuggested(
                            vendor: vendor, reasons: reasons(.vendor, vendor: vendor), reportId: reportId))))
        }
        var rerun = ticket.assigneeId == nil
        if let tier = recommendation.tier.map({ min($0, 3) }), tier > ticket.tier {
            // Assignment runs once below, for everything this diagnosis changed.
            events += try await dispatch.escalateTier(
                &ticket, to: tier, reason: (["diagnosis"] + reasons(.tier)).joined(separator: "; "),
                reportId: reportId, assign: nil, at: at, in: session)
            rerun = true
        }
        let failing = report.checks.filter { $0.status == .warning || $0.status == .critical }
        let added = Set(failing.flatMap(assignment.skills(for:))).subtracting(ticket.requiredSkills).sorted()
        if !added.isEmpty {
            ticket.requiredSkills += added
            events.append(
                NewEvent(
                    .skillsRequired(
                        SkillsRequired(
                            added: added, requiredSkills: ticket.requiredSkills,
                            reportId: reportId))))
        }
        if !rerun, !added.isEmpty, let assignee = ticket.assigneeId,
            let fields = try await session.record(assignee, as: TechnicianFields.self)?.fields
        {
            rerun = !Set(ticket.requiredSkills).isSubset(of: fields.skills)
        }
        if rerun { events += try await dispatch.autoAssign(&ticket, trigger: "diagnosis \(report.id.uuidString)", at: at, in: session) }
        return events
    }
}
