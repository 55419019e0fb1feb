import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/visits/{id}: one visit, moved, cancelled or moved on (on my way, on site, done) from
/// the page (docs/board.md, "Visits"): the timeline's blocks and the ticket's visit lines lead here. Moving re-checks everything
/// booking checks (the technician's shift and other visits, travel, the site's opening hours);
/// a clash is said on the page and nothing moves.
struct VisitPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/visits/{id}") { _, context in
            try await page(try Query.id(context), try context.boardSession())
        }
        signedIn.post("/visits/{id}/reschedule") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let clock = clock()
            let typed = Typed(
                day: form["day"] ?? "", start: form["start"] ?? "", end: form["end"] ?? "", technicianId: form["technicianId"] ?? "")
            do {
                guard let midnight = clock.midnight(of: typed.day) else {
                    throw CoordinatorError.invalid("day", "a day such as 2026-12-08")
                }
                let change = VisitReschedule(
                    start: try Self.time(typed.start, on: midnight, clock: clock, field: "start"),
                    end: try Self.time(typed.end, on: midnight, clock: clock, field: "end"),
                    technicianId: try form.optionalInt("technicianId"))
                let visit = try await coordinator.write {
                    try await coordinator.visits.reschedule(visit: id, to: change, by: session.principal, in: $0)
                }
                return Pages.redirect(to: "/board/tickets/\(visit.ticketId)?visit=\(id)#visits")
            } catch let error as CoordinatorError where [.invalid, .conflict].contains(error.code) {
                return try await page(id, session, error: "Not moved: \(error.message)", typed: typed, status: error.code.httpStatus)
            }
        }
    }

    struct Typed {
        var day = "", start = "", end = "", technicianId = ""
    }

    /// "09:30" on the day of `midnight`, in the board's zone.
    static func time(_ text: String, on midnight: Date, clock: BoardClock, field: String) throws -> Date {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw CoordinatorError.invalid(field, "a time such as 09:30")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = clock.zone
        guard let date = calendar.date(bySettingHour: parts[0], minute: parts[1], second: 0, of: midnight) else {
            throw CoordinatorError.invalid(field, "a time such as 09:30")
        }
        return date
    }

    private func page(
        _ id: Int, _ session: WebSession, error: String? = nil, typed: Typed? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let clock = clock()
        let visit = try await coordinator.visits.visit(id, by: session.principal)
        let ticket = try await coordinator.tickets.ticket(visit.ticketId, by: session.principal)
        let technicians = try await coordinator.inventory.records(TechnicianFields.self, after: nil, limit: 10_000, by: session.principal)
            .items
        let desk = session.principal.role == .admin || session.principal.role == .dispatcher
        var chrome = Chrome(session: session, clock: clock)
        chrome.error = error
        let chosen = typed.flatMap { Int($0.technicianId) } ?? visit.technicianId
        let view = VisitView(
            chrome: chrome, id: id, ticketId: ticket.id, title: ticket.title,
            technician: technicians.first { $0.id == visit.technicianId }?.fields.name ?? "technician \(visit.technicianId)",
            window: clock.window(visit.start, visit.end), status: visit.status.rawValue.replacingOccurrences(of: "_", with: " "),
            canMove: desk && visit.status == .booked, steps: TicketView.visitSteps(visit, principal: session.principal),
            day: typed?.day ?? clock.date(visit.start), start: typed?.start ?? clock.time(visit.start),
            end: typed?.end ?? clock.time(visit.end),
            technicians: technicians.filter { $0.fields.active }.map {
                BoardView.Option(value: "\($0.id)", label: $0.fields.name, selected: $0.id == chosen)
            }, zone: clock.zone.identifier)
        return pages.render("visit", view, status: status)
    }

    private struct VisitView {
        var chrome: Chrome
        var id: Int
        var ticketId: Int
        var title: String
        var technician: String
        var window: String
        var status: String
        var canMove: Bool
        /// On my way, on site, done; cancel (the desk).
        var steps: [TicketView.VisitLine.Action]
        var day: String
        var start: String
        var end: String
        var technicians: [BoardView.Option]
        var zone: String
    }
}
