import Foundation
import TriageModel

/// A diagnosis attached to a ticket, as received.
public struct Diagnostic: Codable, Sendable, Equatable {
    public var ticketId: Int
    public var postedBy: String
    public var receivedAt: Date
    public var report: DiagnosticReport
}

extension Coordinator {
    /// Attaches a report to a ticket, once per report id: a repeat returns the stored one
    /// (`created` false) and records nothing. An agent may only attach to tickets about its host.
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
        let diagnostic = Diagnostic(ticketId: id, postedBy: principal.actor, receivedAt: now(), report: report)
        try await session.insertDiagnostic(diagnostic)
        let problems = report.checks.filter { $0.status != .ok }.map { JSONValue.string("\($0.plugin)/\($0.item): \($0.status.rawValue)") }
        _ = try await session.appendEvent(
            ticketId: id, type: "diagnostic_attached", actor: principal.actor, at: diagnostic.receivedAt,
            data: ["reportId": .string(report.id.uuidString), "host": .string(report.host),
                   "status": .string(report.status.rawValue), "problems": .array(problems),
                   "onsite": .bool(report.recommendation.onsite), "vendors": JSONValue(report.recommendation.vendors),
                   "tier": JSONValue(report.recommendation.tier)])
        ticket.updatedAt = diagnostic.receivedAt
        try await session.updateTicket(ticket)
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
}
