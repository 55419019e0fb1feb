import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TriageDomain
import TriageEdge

/// The dispatch board: server-rendered pages under /board that work without JavaScript, for a
/// person signed in with their login and password (`SignIn.swift`) and then carrying a session
/// cookie (HttpOnly, SameSite=Strict). Every form carries the session's CSRF token.
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
    /// The board shows at most this many open tickets (newest first); the counts are exact.
    static let ticketLimit = 500

    package func add(to router: Router<TriageRequestContext>) {
        router.get("/") { _, _ in Pages.redirect(to: "/board") }
        let web = router.group("/board").add(middleware: BoardErrorMiddleware(pages: pages, zone: zone, coordinator: coordinator))
        // Open to everybody: registered before the session middleware, which applies only to routes added after it.
        web.get("/static/board.css") { _, _ in Pages.stylesheet() }
        addLiveScript(to: web)
        addSignIn(to: router, board: web)

        let signedIn = web.add(middleware: BoardSessionMiddleware(coordinator: coordinator))
        signedIn.get("") { request, context in try await boardPage(request, try context.boardSession()) }
        addSignOut(to: signedIn)
        addAccount(to: signedIn)
        addUsers(to: signedIn)
        addNewTicket(to: signedIn)
        addMyWork(to: signedIn)
        addQueues(to: signedIn)
        addMailQueue(to: signedIn)
        addTicketActions(to: signedIn)
        addLive(to: signedIn)
        addInventory(to: signedIn)
        signedIn.get("/tickets/{id}") { request, context in
            try await ticketPage(try Query.id(context), request, try context.boardSession())
        }
        signedIn.get("/tickets/{id}/files/{sha256}") { _, context in
            let (file, bytes) = try await coordinator.mail.file(try Query.sha256(context), ofTicket: try Query.id(context),
                                                                by: try context.boardSession().principal)
            return FileDownload.response(file, bytes)
        }
        signedIn.post("/tickets/{id}/visits") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let booking = VisitBooking(ticketId: id, technicianId: try form.int("technicianId"), start: try form.date("start"),
                                       end: try form.date("end"))
            do {
                let visit = try await coordinator.write { try await coordinator.visits.book(booking, by: session.principal, in: $0) }
                return Pages.redirect(to: "/board/tickets/\(id)?visit=\(visit.id)#visits")
            } catch let error as CoordinatorError where error.code == .conflict || error.code == .invalid {
                return try await ticketPage(id, request, session, error: "Not booked: \(error.message)",
                                            status: error.code.httpStatus)
            }
        }
        signedIn.post("/visits/{id}/status") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            guard let status = VisitStatus(rawValue: try form.required("status")) else {
                throw CoordinatorError.invalid("status", "one of \(VisitStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let visit = try await coordinator.visits.visit(id, by: session.principal)
            do {
                _ = try await coordinator.write {
                    try await coordinator.visits.changeStatus(visit: id, VisitStatusChange(status: status, notes: form["notes"]), by: session.principal, in: $0)
                }
                return Pages.redirect(to: "/board/tickets/\(visit.ticketId)?visit=\(id)#visits")
            } catch let error as CoordinatorError where error.code == .conflict || error.code == .invalid {
                return try await ticketPage(visit.ticketId, request, session, error: "Visit \(id) unchanged: \(error.message)",
                                            status: error.code.httpStatus)
            }
        }
    }

    func clock() -> BoardClock { BoardClock(zone: zone, now: coordinator.now()) }

    // MARK: Pages

    private func boardPage(_ request: Request, _ session: WebSession) async throws -> Response {
        let query = Query(request)
        let tier = query.string("tier")?.isEmpty == false ? try query.int("tier", 1...3) : nil
        let clock = clock()
        let snapshot = try await coordinator.dispatch.board(timeline: TimelineDay.window(clock), tier: tier, limit: Self.ticketLimit,
                                                   by: session.principal)
        // The page reloads itself only when the person asked for it: a page that changes under
        // someone who did not (WCAG 2.2.1; axe's meta-refresh) is not the default.
        let every = policy.refreshSeconds > 0 ? policy.refreshSeconds : nil
        let chrome = Chrome(session: session, clock: clock, refreshSeconds: query.string("updating") == "on" ? every : nil)
            .live("all", url: request.uri.description)
        return pages.render("board", BoardView(snapshot, chrome: chrome, principal: session.principal, tier: tier, limit: Self.ticketLimit,
                                               sla: coordinator.sla, clock: clock, updateEvery: every))
    }

    func ticketPage(_ id: Int, _ request: Request, _ session: WebSession, error: String? = nil,
                            status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let query = Query(request)
        let clock = clock()
        var planner = TicketView.PlannerQuery()
        if let from = query.string("from"), !from.isEmpty {
            guard let date = clock.midnight(of: from) else { throw CoordinatorError(.badRequest, "from must be a date such as 2026-11-23, not '\(from)'") }
            planner.from = date
        }
        planner.asked = query.string("plan") == "1" || planner.from != nil
        planner.days = try query.int("days", 1...31) ?? planner.days
        planner.duration = try query.int("duration", 15...720) ?? planner.duration
        // A refused form's page answers a POST: it reads the ticket's own page again.
        let again = request.method == .get ? request.uri.description : "/board/tickets/\(id)"
        var chrome = Chrome(session: session, clock: clock).live("\(id)", url: again)
        chrome.error = error
        if query.string("opened") == "1" { chrome.notice = try await assignmentNotice(id, by: session.principal) }
        if let visitId = try query.int("visit", 1...Int.max), let visit = try? await coordinator.visits.visit(visitId, by: session.principal) {
            chrome.notice = "Visit \(visit.id) is \(visit.status.rawValue.replacingOccurrences(of: "_", with: " ")): \(clock.window(visit.start, visit.end))."
        }
        var view = try await TicketView.load(id, chrome: chrome, principal: session.principal, planner: planner,
                                             diagnosesBefore: try query.int("diagnosesBefore", 1...Int.max), coordinator: coordinator, clock: clock)
        if query.string("note") == "1", FormRetry.current == nil { view.actions.internalNote = true }
        return pages.render("ticket", view, status: status)
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
    package init(coordinator: Coordinator, policy: BoardPolicy, zone: TimeZone, bell: JobBell, bodyLimit: Int,
                 trustedProxies: Set<String>) throws {
        self.init(coordinator: coordinator, policy: policy, zone: zone, pages: try Pages(),
                  live: LiveFeed(coordinator: coordinator, logger: Logger(label: "triage.live")), bell: bell, bodyLimit: bodyLimit,
                  clientAddresses: ClientAddress(trustedProxies: trustedProxies))
    }
}
