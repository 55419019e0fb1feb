import Foundation

/// A technician's own work: their open tickets, their visits in a window, and what others did on
/// their tickets since they last looked.
public struct MyWork: Sendable {
    public var tickets: [Ticket]
    public var visits: [Visit]
    /// Newest first, at most 50.
    public var news: [TicketEvent]
    /// The news start after this event: a page that reads My work again passes it back as `since`
    /// to keep showing what it showed.
    public var since: Int?
}

extension TicketDesk {
    /// For a person whose account speaks for a technician; reading it marks the news read. The
    /// news are those since the person last looked, or since `since` (a live page reading again).
    public func myWork(visitsIn window: DateInterval, since: Int? = nil, by principal: Principal) async throws -> MyWork {
        try Access.readAll(principal)
        guard let technicianId = principal.technicianId, let userId = principal.userId else {
            throw CoordinatorError(.forbidden, "My work is a technician's: this account speaks for no technician")
        }
        var mine = TicketFilter()
        mine.assigneeId = technicianId
        mine.statuses = TicketStatus.allCases.filter(\.isOpen)
        let filter = mine
        let (work, seen) = try await read { session in
            let seen = try await session.seenEventId(userId: userId)
            let after = since ?? seen
            return (
                MyWork(
                    tickets: try await session.tickets(filter, before: nil, limit: 500),
                    visits: try await session.visits(
                        VisitFilter(technicianIds: [technicianId], activeOnly: true, overlapping: window), limit: 200),
                    news: try await session.events(onTicketsOf: technicianId, after: after, excluding: principal.actor, limit: 50)
                        .filter { $0.kind != .mailDelivery },  // our own mail going out is no news
                    since: after), seen
            )
        }
        if let newest = work.news.first?.id, newest > seen ?? 0 {
            try await write { try await $0.setSeenEventId(newest, userId: userId) }
        }
        return work
    }
}
