import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TriageDomain
import TriageEdge

/// The dispatch board: server-rendered pages under /board that work without JavaScript, for a
/// person signed in with their login and password (`SignIn.swift`) and then carrying a session
/// cookie (HttpOnly, SameSite=Strict). Every form carries the session's CSRF token. `Board`
/// only composes: each room's pages are a `BoardController` holding what it uses.
package struct Board: Sendable {
    let coordinator: Coordinator
    let policy: BoardPolicy
    let zone: TimeZone
    let pages: Pages
    /// The live pages' feed of ticket changes (`LiveRoute.swift`).
    let live: LiveFeed
    /// Wakes the runners of jobs the ticket page's "Diagnose now" queues.
    let bell: JobBell
    let bodyLimit: Int
    /// The client's address behind `http.trustedProxies`.
    let clientAddresses: ClientAddress

    package func add(to router: Router<TriageRequestContext>) {
        router.get("/") { _, _ in Pages.redirect(to: "/board") }
        let web = router.group("/board").add(middleware: BoardErrorMiddleware(pages: pages, zone: zone, coordinator: coordinator))
        // Open to everybody: registered before the session middleware, which applies only to routes added after it.
        web.get("/static/board.css") { _, _ in Pages.stylesheet() }
        LiveRoutes.addScript(to: web)
        web.get("/static/keys.js") { _, _ in Pages.script(PackageResources.keys_js) }
        web.get("/static/compose.js") { _, _ in Pages.script(PackageResources.compose_js) }
        let signIn = SignIn(
            coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit, policy: policy,
            clientAddresses: clientAddresses)
        signIn.addOpen(to: router, board: web)

        let signedIn = web.add(middleware: BoardSessionMiddleware(coordinator: coordinator))
        for controller in controllers(signIn) { controller.add(to: signedIn) }
    }

    /// Every room's pages, each with what it uses.
    private func controllers(_ signIn: SignIn) -> [any BoardController] {
        let ticketPages = TicketPages(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit, bell: bell)
        return [
            DispatchBoardPage(coordinator: coordinator, pages: pages, zone: zone, policy: policy),
            signIn,
            AccountPage(coordinator: coordinator, pages: pages, zone: zone),
            UsersPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            NewTicketPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            MyWorkPage(coordinator: coordinator, pages: pages, zone: zone),
            QueuesPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            SearchPage(coordinator: coordinator, pages: pages, zone: zone),
            BulkActions(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            TimePage(coordinator: coordinator, pages: pages, zone: zone),
            RepliesPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            NotificationsPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            WebhooksPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            AlertHostsPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            VisitPage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            MailQueuePage(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit),
            ticketPages,
            TicketLinkPages(coordinator: coordinator, bodyLimit: bodyLimit, ticketPages: ticketPages),
            LiveRoutes(coordinator: coordinator, live: live),
            InventoryPages(coordinator: coordinator, pages: pages, zone: zone, bodyLimit: bodyLimit, bell: bell),
        ]
    }

    /// Only a page of this board: never another site, so a link cannot bounce a login elsewhere.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/board"), !next.contains("//"), !next.contains("\\") else { return "/board" }
        return next
    }

    /// HttpOnly and SameSite=Strict always; Secure when the request came through HTTPS (a proxy
    /// in front says so with X-Forwarded-Proto).
    static func cookie(_ name: String, _ value: String, path: String, maxAge: Int, request: Request) -> Cookie {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secure, httpOnly: true, sameSite: .strict)
    }
}

extension Board {
    /// The board as the server composes it: its templates parsed (a broken one stops the start),
    /// its live feed, and the proxies whose X-Forwarded-For it believes.
    package init(
        coordinator: Coordinator, policy: BoardPolicy, zone: TimeZone, bell: JobBell, bodyLimit: Int,
        trustedProxies: Set<String>
    ) throws {
        self.init(
            coordinator: coordinator, policy: policy, zone: zone, pages: try Pages(),
            live: LiveFeed(coordinator: coordinator, logger: Logger(label: "triage.live")), bell: bell, bodyLimit: bodyLimit,
            clientAddresses: ClientAddress(trustedProxies: trustedProxies))
    }
}
