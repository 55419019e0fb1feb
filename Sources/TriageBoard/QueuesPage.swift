import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/queues: every ticket the filters match — status, severity, tier, customer, assignee,
/// on site, words in the title — most urgent first, 100 to a page, as far as there are tickets.
struct QueuesPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone

    static let queuePageSize = 100

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/queues") { request, context in
            let session = try context.boardSession()
            let query = Query(request)
            var filter = TicketFilter()
            if let status = query.string("status"), !status.isEmpty {
                guard let value = TicketStatus(rawValue: status) else { throw CoordinatorError.invalid("status", "is not a ticket status") }
                filter.statuses = [value]
            } else if query.string("closed") != "on" {
                filter.statuses = TicketStatus.allCases.filter(\.isOpen)
            }
            filter.severity = try Self.optional(query, "severity", 1...4)
            filter.tier = try Self.optional(query, "tier", 1...3)
            filter.customerId = try Self.optional(query, "customer", 1...Int.max)
            filter.assigneeId = try Self.optional(query, "assignee", 1...Int.max)
            if query.string("onsite") == "on" { filter.onsite = true }
            filter.text = query.string("q").flatMap { $0.isEmpty ? nil : $0 }
            let page = try Self.optional(query, "page", 1...100_000) ?? 1
            let clock = clock()
            let found = try await coordinator.tickets.queue(
                filter, offset: (page - 1) * Self.queuePageSize, size: Self.queuePageSize,
                by: session.principal)
            let technicians = try await coordinator.inventory.records(
                TechnicianFields.self, after: nil, limit: 10_000, by: session.principal
            ).items
            let names = Dictionary(uniqueKeysWithValues: technicians.map { ($0.id, $0.fields.name) })
            var again = URLComponents()
            again.queryItems = (Query.pairs(request.uri.query ?? "").filter { $0.0 != "page" }.sorted { $0.0 < $1.0 })
                .map { URLQueryItem(name: $0.0, value: $0.1) }
            let base = "/board/queues?" + (again.percentEncodedQuery.map { $0 + "&" } ?? "")
            let shownTo = found.offset + found.tickets.count
            let view = QueuesView(
                chrome: Chrome(session: session, clock: clock).live("all", url: request.uri.description),
                statuses: [BoardView.Option(value: "", label: "open", selected: filter.statuses.count > 1 || filter.statuses.isEmpty)]
                    + TicketStatus.allCases.map {
                        BoardView.Option(
                            value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "_", with: " "),
                            selected: filter.statuses == [$0])
                    },
                severities: [BoardView.Option(value: "", label: "any", selected: filter.severity == nil)]
                    + (1...4).map { (level: Int) in
                        BoardView.Option(value: "\(level)", label: "S\(level)", selected: filter.severity == level)
                    },
                tiers: [BoardView.Option(value: "", label: "any", selected: filter.tier == nil)]
                    + (1...3).map { (tier: Int) in BoardView.Option(value: "\(tier)", label: "\(tier)", selected: filter.tier == tier) },
                assignees: [BoardView.Option(value: "", label: "anyone", selected: filter.assigneeId == nil)]
                    + technicians.map { BoardView.Option(value: "\($0.id)", label: $0.fields.name, selected: filter.assigneeId == $0.id) },
                customer: filter.customerId.map(String.init) ?? "", text: filter.text ?? "", onsite: filter.onsite == true,
                cards: found.tickets.map { TicketCard($0, names: names, why: nil, sla: coordinator.sla, clock: clock) },
                summary: found.total == 0 ? "No ticket matches." : "\(found.offset + 1)–\(shownTo) of \(found.total), most urgent first",
                previous: page > 1 ? base + "page=\(page - 1)" : nil,
                next: shownTo < found.total ? base + "page=\(page + 1)" : nil)
            return pages.render("queues", view)
        }
    }

    private static func optional(_ query: Query, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = query.string(name), !text.isEmpty else { return nil }
        return try query.int(name, range)
    }

    private struct QueuesView {
        var chrome: Chrome
        var statuses: [BoardView.Option]
        var severities: [BoardView.Option]
        var tiers: [BoardView.Option]
        var assignees: [BoardView.Option]
        var customer: String
        var text: String
        var onsite: Bool
        var cards: [TicketCard]
        var summary: String
        var previous: String?
        var next: String?
    }
}
