import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board itself: every open ticket by tier, technicians' timelines and the on-site column.
struct DispatchBoardPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let policy: BoardPolicy
    /// The board shows at most this many open tickets (newest first); the counts are exact.
    static let ticketLimit = 500

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("") { request, context in try await page(request, try context.boardSession()) }
    }

    private func page(_ request: Request, _ session: WebSession) async throws -> Response {
        let query = Query(request)
        let tier = query.string("tier")?.isEmpty == false ? try query.int("tier", 1...3) : nil
        let clock = clock()
        let snapshot = try await coordinator.dispatch.board(
            timeline: TimelineDay.window(clock), tier: tier, limit: Self.ticketLimit,
            by: session.principal)
        // The page reloads itself only when the person asked for it: a page that changes under
        // someone who did not (WCAG 2.2.1; axe's meta-refresh) is not the default.
        let every = policy.refreshSeconds > 0 ? policy.refreshSeconds : nil
        let chrome = Chrome(session: session, clock: clock, refreshSeconds: query.string("updating") == "on" ? every : nil)
            .live("all", url: request.uri.description)
        return pages.render(
            "board",
            BoardView(
                snapshot, chrome: chrome, principal: session.principal, tier: tier, limit: Self.ticketLimit,
                sla: coordinator.sla, clock: clock, updateEvery: every))
    }
}
