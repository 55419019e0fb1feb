import Foundation

extension NewEvent {
    /// Assignment by the rules acts on its own behalf; `trigger` in the data says who asked.
    package static func assignment(_ entry: HistoryEntry) -> NewEvent {
        NewEvent(entry, actor: .system(.assignment))
    }
}

extension Dispatch {
    /// Ranks the active technicians for a ticket; a read, nothing changes.
    package func decideAssignment(for ticket: Ticket, excluding: Int?, at now: Date, in session: Records)
        async throws -> AssignmentDecision
    {
        let (context, roster) = try await assignmentContext(for: ticket, excluding: excluding, at: now, in: session)
        return Assigner(policy: assignment).decide(among: roster, context)
    }

    /// Every active technician for ticket `id`, eligible or not and why (dispatchers and admins,
    /// who assign by hand).
    public func eligibility(ticket id: Int, by principal: Principal) async throws -> [TechnicianEligibility] {
        try Access.dispatch(principal)
        let at = now()
        return try await read { session in
            guard let ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
            let (context, roster) = try await assignmentContext(for: ticket, excluding: nil, at: at, in: session)
            return Assigner(policy: assignment).eligibility(among: roster, context)
        }
    }

    func assignmentContext(for ticket: Ticket, excluding: Int?, at now: Date, in session: Records)
        async throws -> (Assigner.Context, [RosterMember])
    {
        var workloads = try await session.workloads()
        // The ticket's own weight does not count against the technician who holds it now.
        if let holder = ticket.assigneeId, ticket.status.isOpen {
            workloads[holder]?.openBySeverity[ticket.severity, default: 1] -= 1
        }
        let since = now.addingTimeInterval(-Double(assignment.continuityDays) * 86_400)
        let worked = try await session.techniciansWhoWorked(customerId: ticket.customerId, hostId: ticket.hostId, since: since)
        let unanswered = ticket.firstResponseAt == nil
        let context = Assigner.Context(
            ticket: ticket, now: now, deadline: unanswered ? ticket.responseDueAt : ticket.resolveDueAt,
            deadlineName: unanswered ? "response" : "resolution", workloads: workloads, worked: worked,
            excluding: excluding)
        return (context, try await roster.members(in: session))
    }

    /// Runs assignment and applies it to `ticket` (not yet saved): the chosen technician becomes the
    /// assignee with an `assigned` event that says why and who came second; the current one stays
    /// with an `assignment_kept` event; with nobody eligible the ticket keeps its assignee (or stays
    /// new) and an `unassignable` event says why (the desk hears of it: docs/notifications.md).
    package func autoAssign(
        _ ticket: inout Ticket, trigger: String, excluding: Int? = nil, at now: Date,
        in session: Records
    ) async throws -> [NewEvent] {
        let decision = try await decideAssignment(for: ticket, excluding: excluding, at: now, in: session)
        var made = AssignmentMade(trigger: trigger, reason: decision.reason, eligible: decision.eligible)
        guard let chosen = decision.chosen else {
            made.assigneeId = ticket.assigneeId
            return [.assignment(.unassignable(made))]
        }
        made.runnerUp = decision.runnerUp.map {
            AssignmentMade.RunnerUp(technicianId: $0.technicianId, name: $0.name, qualifies: $0.qualifies)
        }
        made.assigneeId = chosen.technicianId
        guard chosen.technicianId != ticket.assigneeId else { return [.assignment(.assignmentKept(made))] }
        made.previousAssigneeId = ticket.assigneeId
        var events: [NewEvent] = [.assignment(.assigned(made))]
        ticket.assigneeId = chosen.technicianId
        ticket.assignedAt = now
        // A new assignee has not started yet; waiting states keep waiting.
        if ticket.status == .new || ticket.status == .inProgress {
            events.append(.assignment(.statusChanged(StatusChange(from: ticket.status, to: .assigned))))
            ticket.status = .assigned
        }
        return events
    }

    /// POST /tickets/{id}/assign: assignment by the rules, on request of a dispatcher.
    public func assign(ticket id: Int, by principal: Principal, in session: Records)
        async throws -> Ticket
    {
        var ticket = try await desk.openTicket(id, before: "assigning", in: session) { _ in try Access.dispatch(principal) }
        let at = now()
        let events = try await autoAssign(&ticket, trigger: "requested by \(principal.actor)", at: at, in: session)
        try await desk.save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }
}
