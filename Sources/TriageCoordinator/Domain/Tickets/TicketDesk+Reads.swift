import Foundation

/// Tickets and their history as everyone with a token reads them.
extension TicketDesk {
    public func ticket(_ id: Int, by principal: Principal) async throws -> Ticket {
        try Access.readAll(principal)
        guard let ticket = try await store.read({ try await $0.ticket(id) }) else {
            throw CoordinatorError.notFound("ticket", id)
        }
        return ticket
    }

    public func list(_ filter: TicketFilter, before: Int?, limit: Int, by principal: Principal) async throws
        -> Page<Ticket>
    {
        try Access.readAll(principal)
        let items = try await store.read { try await $0.tickets(filter, before: before, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }

    public func events(ofTicket id: Int, after: Int?, limit: Int, by principal: Principal) async throws
        -> Page<TicketEvent>
    {
        try Access.readAll(principal)
        let (exists, items) = try await store.read { session in
            (try await session.ticket(id) != nil, try await session.events(ticketId: id, after: after, limit: limit + 1))
        }
        guard exists else { throw CoordinatorError.notFound("ticket", id) }
        return Page(items, limit: limit, id: \.id)
    }
}
