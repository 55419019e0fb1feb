import Foundation

/// What the dispatch board shows, read in one transaction: the open tickets in the caller's
/// view, the technicians, and the visits of the days on the timeline.
public struct BoardSnapshot: Sendable {
    /// Open tickets, newest first; a technician's own only.
    public var tickets: [Ticket]
    /// How many open tickets there are by status in that view (the cards may be fewer).
    public var counts: [TicketStatus: Int]
    public var technicians: [Technician]
    /// Visits that are not cancelled and overlap the timeline; a technician's own only.
    public var visits: [Visit]
    /// The visit still holding time for each ticket that has one.
    public var activeVisits: [Int: Visit]
    public var siteNames: [Int: String]
    /// Why assignment found nobody, for the tickets that wait unassigned (the board shows why).
    public var unassignedReasons: [Int: String]
}

extension Dispatch {
    public func board(timeline: DateInterval, tier: Int?, limit: Int, by principal: Principal) async throws -> BoardSnapshot {
        try Access.readAll(principal)
        var filter = TicketFilter()
        filter.statuses = TicketStatus.allCases.filter(\.isOpen)
        filter.tier = tier
        var visitFilter = VisitFilter(overlapping: timeline)
        if principal.role == .technician {
            guard let me = principal.technicianId else { throw CoordinatorError(.forbidden, "this technician token names no technician") }
            filter.assigneeId = me
            visitFilter.technicianIds = [me]
        }
        return try await read { [filter, visitFilter] session in
            let tickets = try await session.tickets(filter, before: nil, limit: limit)
            let counts =
                tickets.count < limit
                ? Dictionary(grouping: tickets, by: \.status).mapValues(\.count)
                : try await session.ticketCountsByStatus(filter)
            let technicians = try await session.records(TechnicianFields.self, after: nil, limit: 10_000)
            let visits = try await session.visits(visitFilter, limit: 10_000).filter { $0.status != .cancelled }
            var activeVisits: [Int: Visit] = [:]
            let onsite = tickets.filter(\.flags.onsite).map(\.id)
            for visit in try await session.visits(VisitFilter(ticketIds: onsite, activeOnly: true), limit: 10_000)
            where activeVisits[visit.ticketId] == nil {
                activeVisits[visit.ticketId] = visit  // the earliest
            }
            var siteNames: [Int: String] = [:]
            for siteId in Set((visits + activeVisits.values).map(\.siteId)) {
                siteNames[siteId] = try await session.record(siteId, as: SiteFields.self)?.fields.name
            }
            let waiting = tickets.filter { $0.assigneeId == nil }.map(\.id)
            let unassignable = try await session.latestEvents(kind: .unassignable, ticketIds: waiting)
            return BoardSnapshot(
                tickets: tickets, counts: counts, technicians: technicians, visits: visits,
                activeVisits: activeVisits, siteNames: siteNames,
                unassignedReasons: unassignable.compactMapValues {
                    if case .unassignable(let made)? = $0.entry { made.reason } else { nil }
                })
        }
    }
}
