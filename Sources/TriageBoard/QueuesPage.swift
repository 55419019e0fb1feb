import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/queues: every ticket the filters match as a sortable table, 100 to a page, with the
/// person's saved views and the shared ones (each with its count), a CSV export of the view, and
/// the form that saves one (docs/board.md, "Queues").
struct QueuesPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    static let queuePageSize = 100
    /// The most rows one export holds.
    static let exportLimit = 10_000

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/queues") { request, context in
            let session = try context.boardSession()
            let clock = clock()
            let pairs = Query.pairs(request.uri.query ?? "")
            let queue = try await QueueQuery.parse(Query(request), session: session, coordinator: coordinator, now: clock.now)
            let found = try await coordinator.tickets.queue(
                queue.filter, order: queue.order, offset: (queue.page - 1) * Self.queuePageSize, size: Self.queuePageSize,
                by: session.principal)
            let names = try await QueueTable.Names.of(found.tickets, coordinator: coordinator, by: session.principal)
            let query = QueueQuery.canonical(pairs)
            let base = "/board/queues?" + (query.isEmpty ? "" : query + "&")
            let shownTo = found.offset + found.tickets.count
            let view = QueuesView(
                chrome: Chrome(session: session, clock: clock).live("all", url: request.uri.description),
                form: try await QueueForm(queue, session: session, coordinator: coordinator),
                views: try await savedViews(session, current: query, now: clock.now),
                query: query, canShare: session.principal.role == .admin || session.principal.role == .dispatcher,
                table: QueueTable(
                    found.tickets, names: names, order: queue.order, base: QueueQuery.kept(pairs), sla: coordinator.sla, clock: clock),
                hasRows: !found.tickets.isEmpty,
                summary: found.total == 0
                    ? "No ticket matches."
                    : "\(found.offset + 1)–\(shownTo) of \(found.total), \(Self.orderWords(queue.order))",
                export: "/board/queues/export" + (query.isEmpty ? "" : "?" + query),
                back: request.uri.description,
                bulk: QueuesView.Bulk(
                    technicians: try await coordinator.inventory.records(
                        TechnicianFields.self, after: nil, limit: 10_000, by: session.principal
                    )
                    .items.map { BoardView.Option(value: "\($0.id)", label: $0.fields.name, selected: false) },
                    // Each select says which option it starts on: live.js keeps a part whose choices differ from that.
                    statuses: TicketStatus.allCases.filter { $0 != .resolved }.enumerated().map { index, status in
                        BoardView.Option(
                            value: status.rawValue, label: status.rawValue.replacingOccurrences(of: "_", with: " "), selected: index == 0)
                    }),
                previous: queue.page > 1 ? base + "page=\(queue.page - 1)" : nil,
                next: shownTo < found.total ? base + "page=\(queue.page + 1)" : nil)
            return pages.render("queues", view)
        }
        signedIn.get("/queues/export") { request, context in
            let session = try context.boardSession()
            let clock = clock()
            let queue = try await QueueQuery.parse(Query(request), session: session, coordinator: coordinator, now: clock.now)
            let found = try await coordinator.tickets.queue(
                queue.filter, order: queue.order, offset: 0, size: Self.exportLimit, by: session.principal)
            let names = try await QueueTable.Names.of(found.tickets, coordinator: coordinator, by: session.principal)
            return QueueExport.response(found.tickets, names: names, sla: coordinator.sla, clock: clock)
        }
        signedIn.post("/queues/views") { request, context in
            let session = try context.boardSession()
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let query = QueueQuery.canonical(Query.pairs(form["query"] ?? ""))
            // Checked before it is kept: a view that cannot be shown is not saved.
            _ = try await QueueQuery.parse(Query(query: query), session: session, coordinator: coordinator, now: clock().now)
            let saved = try await coordinator.tickets.saveView(
                name: form["name"] ?? "", query: query, shared: form["shared"] == "on", by: session.principal)
            return Pages.redirect(to: "/board/queues?" + query + (query.isEmpty ? "" : "&") + "saved=\(saved.id)")
        }
        signedIn.post("/queues/views/{id}/delete") { request, context in
            let session = try context.boardSession()
            try await WebForm(request, limit: bodyLimit).requireCSRF(session.csrf)
            try await coordinator.tickets.deleteView(try Query.id(context), by: session.principal)
            return Pages.redirect(to: "/board/queues")
        }
    }

    /// The views the person sees, each with how many tickets it holds now.
    private func savedViews(_ session: WebSession, current: String, now: Date) async throws -> [QueuesView.ViewLink] {
        let views = try await coordinator.tickets.savedViews(by: session.principal)
        var filters: [TicketFilter] = []
        var usable: [SavedView] = []
        for view in views {
            // A view whose customer was since deleted or renamed shows without a count.
            if let parsed = try? await QueueQuery.parse(Query(query: view.query), session: session, coordinator: coordinator, now: now) {
                filters.append(parsed.filter)
                usable.append(view)
            }
        }
        let counts = Dictionary(
            uniqueKeysWithValues: zip(usable.map(\.id), try await coordinator.tickets.counts(filters, by: session.principal)))
        return views.map { view in
            QueuesView.ViewLink(
                id: view.id, name: view.name, href: "/board/queues" + (view.query.isEmpty ? "" : "?" + view.query),
                count: counts[view.id].map(String.init) ?? "?", shared: view.shared, current: view.query == current,
                deletable: !view.shared || session.principal.role == .admin || session.principal.role == .dispatcher)
        }
    }

    private static func orderWords(_ order: QueueOrder) -> String {
        if order == .urgency { return "most urgent first" }
        let column = QueueTable.columns.first { $0.0 == order.column }?.1.lowercased() ?? order.column.rawValue
        return "by \(column)" + (order.descending ? ", descending" : "")
    }

    private struct QueuesView {
        struct Bulk {
            var technicians: [BoardView.Option]
            var statuses: [BoardView.Option]
        }

        struct ViewLink {
            var id: Int
            var name: String
            var href: String
            var count: String
            var shared: Bool
            var current: Bool
            var deletable: Bool
        }

        var chrome: Chrome
        var form: QueueForm
        var views: [ViewLink]
        var query: String
        var canShare: Bool
        var table: QueueTable
        var hasRows: Bool
        var summary: String
        var export: String
        var back: String
        var bulk: Bulk
        var previous: String?
        var next: String?
    }
}
