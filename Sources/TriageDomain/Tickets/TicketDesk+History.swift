import Foundation

extension TicketDesk {
    /// Ticket `id` for an action on open tickets only: 404 when there is none, then `access`
    /// decides, then 409 when it is resolved or closed.
    package func openTicket(
        _ id: Int, before action: String, in session: Records,
        access: (Ticket) throws -> Void
    ) async throws -> Ticket {
        guard let ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        try access(ticket)
        guard ticket.status.isOpen else {
            throw CoordinatorError(.conflict, "ticket \(id) is \(ticket.status.rawValue): reopen it before \(action)")
        }
        return ticket
    }

    /// Stores a changed ticket and its events, all at `at`, and the notifications they call for.
    @discardableResult
    package func save(_ ticket: inout Ticket, events: [NewEvent], actor: Actor, at: Date, in session: Records)
        async throws -> [TicketEvent]
    {
        ticket.updatedAt = at
        try await session.updateTicket(ticket)
        return try await append(events, to: ticket, actor: actor, at: at, in: session)
    }

    /// Writes history entries without changing the ticket row (`ticket` as it is with them), and
    /// the notifications they call for (docs/notifications.md).
    @discardableResult
    package func append(_ events: [NewEvent], to ticket: Ticket, actor: Actor, at: Date, in session: Records)
        async throws -> [TicketEvent]
    {
        let written = try await write(events, ticketId: ticket.id, known: ticket, actor: actor, at: at, in: session)
        try await Notifier(core: core).fanOut(
            ticket, entries: events.map(\.entry), eventIds: written.map(\.id), actor: actor, at: at, in: session)
        return written
    }

    /// Writes history entries that notify nobody (a job's steps, a mail's delivery).
    @discardableResult
    package func append(_ events: [NewEvent], toTicket id: Int, actor: Actor, at: Date, in session: Records)
        async throws -> [TicketEvent]
    {
        try await write(events, ticketId: id, known: nil, actor: actor, at: at, in: session)
    }

    /// The entries, and the webhooks' deliveries of them (docs/webhooks.md), in one transaction.
    private func write(_ events: [NewEvent], ticketId id: Int, known: Ticket?, actor: Actor, at: Date, in session: Records)
        async throws -> [TicketEvent]
    {
        let written = try await session.appendEvents(
            ticketId: id, at: at,
            try events.map {
                StoredEntry(kind: $0.kind, actor: $0.actor ?? actor, data: try $0.data())
            })
        try await Webhooks(core: core).enqueue(ticketId: id, known: known, events: written, at: at, in: session)
        return written
    }
}
