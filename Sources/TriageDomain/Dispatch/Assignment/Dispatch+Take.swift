import Foundation

extension Dispatch {
    /// Whether technicians may take tickets themselves (`assignment.techniciansTake`).
    public var techniciansTake: Bool { assignment.techniciansTake }

    /// A technician takes an unassigned open ticket they are eligible for — tier, skills, shift,
    /// load, as assignment by the rules would weigh them — and the history says why in the same
    /// words (docs/coordinator.md, "Assignment"). Off when `assignment.techniciansTake` is false.
    public func take(ticket id: Int, by principal: Principal, in session: Records) async throws -> Ticket {
        guard let me = principal.technicianId else {
            throw CoordinatorError(.forbidden, "only a technician's account may take a ticket; the desk assigns")
        }
        guard assignment.techniciansTake else {
            throw CoordinatorError(.forbidden, "the desk has turned off taking tickets (assignment.techniciansTake): ask a dispatcher")
        }
        var ticket = try await desk.openTicket(id, before: "taking it", in: session) { _ in try Access.readAll(principal) }
        if let holder = ticket.assigneeId {
            throw CoordinatorError(
                .conflict, holder == me ? "ticket \(id) is yours already" : "ticket \(id) is assigned already: ask the desk")
        }
        let at = now()
        let (context, roster) = try await assignmentContext(for: ticket, excluding: nil, at: at, in: session)
        guard let mine = Assigner(policy: assignment).eligibility(among: roster, context).first(where: { $0.technicianId == me }) else {
            throw CoordinatorError(.forbidden, "you are not an active technician")
        }
        guard mine.eligible else { throw CoordinatorError(.forbidden, "you cannot take ticket \(id): \(mine.why)") }
        ticket.assigneeId = me
        ticket.assignedAt = at
        let from = ticket.status
        if ticket.status == .new { ticket.status = .assigned }
        var events = [NewEvent(.assigned(AssignmentMade(reason: "taken by \(mine.name): \(mine.why)", assigneeId: me)))]
        if from != ticket.status { events.append(NewEvent(.statusChanged(StatusChange(from: from, to: ticket.status)))) }
        _ = try await desk.save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }
}
