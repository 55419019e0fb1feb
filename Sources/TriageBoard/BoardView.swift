import Foundation
import TriageDomain
import TriageEdge

/// One ticket on the board.
struct TicketCard {
    var id: Int
    var title: String
    var status: TicketStatus
    var severity: Int
    var tier: Int
    var assignee: String
    var countdown: Countdown
    var onsite: Bool
    /// Why nobody has it, when assignment found nobody.
    var why: String?
    /// For ordering: the next due time, paused clocks last.
    var urgency: Date { countdown.state == "paused" ? .distantFuture : countdown.due }

    init(_ ticket: Ticket, names: [Int: String], why: String?, sla: SLAPolicy, clock: BoardClock) {
        (id, title, status, severity, tier) = (ticket.id, ticket.title, ticket.status, ticket.severity, ticket.tier)
        (onsite, self.why) = (ticket.flags.onsite, why)
        assignee = ticket.assigneeId.map { names[$0] ?? "technician \($0)" } ?? "unassigned"
        countdown = Countdown.next(for: ticket, sla: sla, clock: clock)
    }
}

/// The dispatch board: open tickets in columns by status and groups by tier, the tickets a
/// diagnosis says need a visit, and today's and tomorrow's visits per technician.
struct BoardView {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct QueueColumn {
        var status: String
        var title: String
        var count: Int
        var tiers: [TierGroup]
    }

    struct TierGroup {
        var tier: Int
        var cards: [TicketCard]
    }

    struct NeedsVisit {
        var card: TicketCard
        var reasons: [String]
        /// "Mon 23 Nov 10:00–11:00 · Vera at HQ" once a visit holds time for it.
        var booked: String?
    }

    var chrome: Chrome
    var tierOptions: [Option]
    /// The person chose to have the page reload itself (`?updating=on`), every this many seconds.
    var updating: Bool
    var updateSeconds: Int?
    var truncated: Bool
    var shown: Int
    var columns: [QueueColumn]
    /// Dispatchers and admins see the needs-visit column; technicians see their own work.
    var desk: Bool
    var needsVisit: [NeedsVisit]
    var needsVisitCount: Int
    var days: [TimelineDay]

    static let columnTitles: [(TicketStatus, String)] = [
        (.new, "New"), (.assigned, "Assigned"), (.inProgress, "In progress"),
        (.waitingCustomer, "Waiting for customer"), (.waitingVendor, "Waiting for vendor"),
    ]

    init(
        _ snapshot: BoardSnapshot, chrome: Chrome, principal: Principal, tier: Int?, limit: Int, sla: SLAPolicy, clock: BoardClock,
        updateEvery: Int?
    ) {
        self.chrome = chrome
        updating = chrome.refreshSeconds != nil
        updateSeconds = updateEvery
        tierOptions =
            [Option(value: "", label: "all", selected: tier == nil)]
            + (1...3).map { (level: Int) in Option(value: "\(level)", label: "\(level)", selected: tier == level) }
        (truncated, shown) = (snapshot.tickets.count >= limit, snapshot.tickets.count)
        desk = principal.role == .admin || principal.role == .dispatcher
        let names = Dictionary(uniqueKeysWithValues: snapshot.technicians.map { ($0.id, $0.fields.name) })
        let cards = snapshot.tickets.map { TicketCard($0, names: names, why: snapshot.unassignedReasons[$0.id], sla: sla, clock: clock) }
        columns = Self.columnTitles.map { status, title in
            let inColumn = cards.filter { $0.status == status }
            let tiers = Dictionary(grouping: inColumn, by: \.tier).sorted { $0.key < $1.key }
                .map { TierGroup(tier: $0.key, cards: $0.value.sorted { ($0.urgency, $0.id) < ($1.urgency, $1.id) }) }
            return QueueColumn(status: status.rawValue, title: title, count: snapshot.counts[status] ?? 0, tiers: tiers)
        }
        let tickets = Dictionary(uniqueKeysWithValues: snapshot.tickets.map { ($0.id, $0) })
        needsVisit = cards.filter(\.onsite).map { card in
            let booked = snapshot.activeVisits[card.id].map { visit in
                "\(clock.window(visit.start, visit.end)) · \(names[visit.technicianId] ?? "technician \(visit.technicianId)")"
                    + (snapshot.siteNames[visit.siteId].map { " at \($0)" } ?? "")
            }
            return NeedsVisit(card: card, reasons: tickets[card.id]?.flags.onsiteReasons ?? [], booked: booked)
        }.sorted { ($0.booked == nil ? 0 : 1, $0.card.urgency, $0.card.id) < ($1.booked == nil ? 0 : 1, $1.card.urgency, $1.card.id) }
        needsVisitCount = needsVisit.filter { $0.booked == nil }.count
        days = TimelineDay.days(snapshot, principal: principal, titles: tickets.mapValues(\.title), clock: clock)
    }
}
