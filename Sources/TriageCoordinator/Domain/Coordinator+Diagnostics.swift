import Foundation
import TriageModel

extension Coordinator {
    /// Attaches a report to a ticket, once per report id: a repeat returns the stored one
    /// (`created` false) and records nothing. An agent may only attach to tickets about its host.
    /// On an open ticket the recommendation acts (`applyDiagnosis`).
    public func attachDiagnostic(_ report: DiagnosticReport, toTicket id: Int, by principal: Principal,
                                 in session: any StoreSession) async throws -> (diagnostic: Diagnostic, created: Bool)
    {
        try Validate.text(report.host, "host", max: 255)
        if report.checks.count > 10_000 { throw CoordinatorError.invalid("checks", "more than 10000 items") }
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        if principal.role == .agent, ticket.hostId == nil || ticket.hostId != principal.hostId {
            throw CoordinatorError(
                .forbidden,
                "this agent token is bound to host \(principal.hostId ?? 0); ticket \(id) is "
                    + (ticket.hostId.map { "about host \($0)" } ?? "not about a host"))
        }
        if let existing = try await session.diagnostic(reportId: report.id) {
            guard existing.ticketId == id else {
                throw CoordinatorError(.conflict, "report \(report.id) is already attached to ticket \(existing.ticketId)")
            }
            return (existing, false)
        }
        let at = now()
        let diagnostic = Diagnostic(ticketId: id, postedBy: principal.actor, receivedAt: at, report: report)
        try await session.insertDiagnostic(diagnostic)
        let problems = report.checks.filter { $0.status != .ok }.map { JSONValue.string("\($0.plugin)/\($0.item): \($0.status.rawValue)") }
        var events = [PendingEvent("diagnostic_attached", [
            "reportId": .string(report.id.uuidString), "host": .string(report.host),
            "status": .string(report.status.rawValue), "problems": .array(problems),
            "onsite": .bool(report.recommendation.onsite), "vendors": JSONValue(report.recommendation.vendors),
            "tier": JSONValue(report.recommendation.tier)])]
        if ticket.status.isOpen { events += try await applyDiagnosis(report, to: &ticket, at: at, in: session) }
        try await save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return (diagnostic, true)
    }

    public func diagnostics(ofTicket id: Int, by principal: Principal) async throws -> [Diagnostic] {
        try Access.readAll(principal)
        let (exists, items) = try await store.read { session in
            (try await session.ticket(id) != nil, try await session.diagnostics(ticketId: id))
        }
        guard exists else { throw CoordinatorError.notFound("ticket", id) }
        return items
    }

    /// What a diagnosis changes on an open ticket, each change an event: the on-site flag with
    /// its reasons, vendors to open a case with, a higher tier (a functional escalation), and the
    /// skills its failing plugins call for. Assignment runs again when the ticket has nobody,
    /// went up a tier, or its assignee lacks what it needs now.
    func applyDiagnosis(_ report: DiagnosticReport, to ticket: inout Ticket, at: Date, in session: any StoreSession)
        async throws -> [PendingEvent]
    {
        let recommendation = report.recommendation
        let reportId = JSONValue.string(report.id.uuidString)
        func reasons(_ flag: Recommendation.Reason.Flag, vendor: String? = nil) -> [String] {
            recommendation.reasons.filter { $0.flag == flag && (vendor == nil || $0.vendor == vendor) }
                .map { "\($0.plugin)/\($0.item): \($0.reason)" }
        }
        var events: [PendingEvent] = []
        if recommendation.onsite {
            let added = reasons(.onsite).filter { !ticket.flags.onsiteReasons.contains($0) }
            if !ticket.flags.onsite || !added.isEmpty {
                ticket.flags.onsite = true
                ticket.flags.onsiteReasons += added
                events.append(PendingEvent("flagged", ["flag": "onsite", "reasons": JSONValue(added), "reportId": reportId]))
            }
        }
        for vendor in recommendation.vendors
        where !ticket.flags.vendorSuggestions.contains(vendor) && ticket.flags.vendorCase?.vendor != vendor {
            ticket.flags.vendorSuggestions.append(vendor)
            events.append(PendingEvent("vendor_case_suggested", [
                "vendor": .string(vendor), "reasons": JSONValue(reasons(.vendor, vendor: vendor)), "reportId": reportId]))
        }
        var rerun = ticket.assigneeId == nil
        if let tier = recommendation.tier.map({ min($0, 3) }), tier > ticket.tier {
            events.append(PendingEvent("escalated", [
                "kind": "functional", "from": JSONValue(ticket.tier), "to": JSONValue(tier),
                "reason": .string((["diagnosis"] + reasons(.tier)).joined(separator: "; ")), "reportId": reportId]))
            ticket.tier = tier
            rerun = true
        }
        let failing = Set(report.checks.filter { $0.status == .warning || $0.status == .critical }.map(\.plugin))
        let added = Set(failing.compactMap { assignment.pluginSkills[$0] }).subtracting(ticket.requiredSkills).sorted()
        if !added.isEmpty {
            ticket.requiredSkills += added
            events.append(PendingEvent("skills_required", [
                "added": JSONValue(added), "requiredSkills": JSONValue(ticket.requiredSkills), "reportId": reportId]))
        }
        if !rerun, !added.isEmpty, let assignee = ticket.assigneeId,
            let fields = try await session.record(assignee, as: TechnicianFields.self)?.fields
        {
            rerun = !Set(ticket.requiredSkills).isSubset(of: fields.skills)
        }
        if rerun { events += try await autoAssign(&ticket, trigger: "diagnosis \(report.id.uuidString)", at: at, in: session) }
        return events
    }
}
