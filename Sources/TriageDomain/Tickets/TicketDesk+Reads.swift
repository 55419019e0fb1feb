import Foundation

/// Tickets and their history as everyone with a token reads them.
extension TicketDesk {
    public func ticket(_ id: Int, by principal: Principal) async throws -> Ticket {
        try Access.readAll(principal)
        guard let ticket = try await read({ try await $0.ticket(id) }) else {
            throw CoordinatorError.notFound("ticket", id)
        }
        return ticket
    }

    public func list(_ filter: TicketFilter, before: Int?, limit: Int, by principal: Principal) async throws
        -> Page<Ticket>
    {
        try Access.readAll(principal)
        let items = try await read { try await $0.tickets(filter, before: before, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }

    public func events(ofTicket id: Int, after: Int?, limit: Int, by principal: Principal) async throws
        -> Page<TicketEvent>
    {
        try Access.readAll(principal)
        let (exists, items) = try await read { session in
            (try await session.ticket(id) != nil, try await session.events(ticketId: id, after: after, limit: limit + 1))
        }
        guard exists else { throw CoordinatorError.notFound("ticket", id) }
        return Page(items, limit: limit, id: \.id)
    }
}

/// One page of a queue, most urgent first.
public struct QueuePage: Sendable {
    public var tickets: [Ticket]
    /// How many tickets the filter matches in all.
    public var total: Int
    public var offset: Int
}

extension TicketDesk {
    /// A queue of tickets matching `filter`, in `order`, `size` at a time from `offset`.
    public func queue(_ filter: TicketFilter, order: QueueOrder = .urgency, offset: Int, size: Int, by principal: Principal)
        async throws -> QueuePage
    {
        try Access.readAll(principal)
        return try await read { session in
            QueuePage(
                tickets: try await session.queue(filter, order: order, offset: offset, limit: size),
                total: try await session.ticketCountsByStatus(filter).values.reduce(0, +), offset: offset)
        }
    }
}

extension TicketDesk {
    /// How many tickets each filter matches: the saved views' counts.
    public func counts(_ filters: [TicketFilter], by principal: Principal) async throws -> [Int] {
        try Access.readAll(principal)
        return try await read { session in
            var counts: [Int] = []
            for filter in filters { counts.append(try await session.ticketCountsByStatus(filter).values.reduce(0, +)) }
            return counts
        }
    }
}

/// One event of some ticket's history: what a live page needs to know that the ticket changed.
public struct TicketChange: Sendable, Equatable {
    public var eventId: Int
    public var ticketId: Int

    package init(eventId: Int, ticketId: Int) {
        self.eventId = eventId
        self.ticketId = ticketId
    }
}

extension TicketDesk {
    /// The newest event's id: a live feed starts after it.
    public func latestChange(by principal: Principal) async throws -> Int {
        try Access.readAll(principal)
        return try await read { try await $0.latestEventId() }
    }

    /// The events after `after`, and those of `ids` (ids a feed skipped because their transaction
    /// had not committed yet), oldest first, at most `limit`.
    public func changes(after: Int, orIds ids: [Int], limit: Int, by principal: Principal) async throws -> [TicketChange] {
        try Access.readAll(principal)
        return try await read { try await $0.eventTickets(after: after, orIds: ids, limit: limit) }
    }
}
