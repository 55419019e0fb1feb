import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/my: a technician's open tickets by urgency, their visits today and tomorrow, and what
/// happened on their tickets since they last looked (read once shown).
struct MyWorkPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/my") { request, context in
            let session = try context.boardSession()
            let clock = clock()
            let since = try Query(request).int("since", 0...Int.max)
            let work = try await coordinator.tickets.myWork(visitsIn: TimelineDay.window(clock), since: since, by: session.principal)
            let technicians = try await coordinator.inventory.records(
                TechnicianFields.self, after: nil, limit: 10_000, by: session.principal
            ).items
            let names = Dictionary(uniqueKeysWithValues: technicians.map { ($0.id, $0.fields.name) })
            let titles = Dictionary(work.tickets.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
            let view = MyWorkView(
                chrome: Chrome(session: session, clock: clock).live("all", url: "/board/my?since=\(work.since ?? 0)"),
                cards: work.tickets.map { TicketCard($0, names: names, why: nil, sla: coordinator.sla, clock: clock) }
                    .sorted { ($0.urgency, $0.id) < ($1.urgency, $1.id) },
                visits: work.visits.sorted { $0.start < $1.start }.map {
                    MyWorkView.VisitLine(
                        ticketId: $0.ticketId, title: titles[$0.ticketId] ?? "ticket \($0.ticketId)",
                        window: clock.window($0.start, $0.end), status: $0.status.rawValue.replacingOccurrences(of: "_", with: " "))
                },
                news: work.news.map {
                    MyWorkView.News(
                        ticketId: $0.ticketId, title: titles[$0.ticketId] ?? "ticket \($0.ticketId)", what: $0.kind.words,
                        actor: $0.actor.description, at: clock.dayTime($0.at))
                })
            return pages.render("mywork", view)
        }
    }

    private struct MyWorkView {
        struct VisitLine {
            var ticketId: Int
            var title: String
            var window: String
            var status: String
        }

        struct News {
            var ticketId: Int
            var title: String
            var what: String
            var actor: String
            var at: String
        }

        var chrome: Chrome
        var cards: [TicketCard]
        var visits: [VisitLine]
        var news: [News]
    }
}
