import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// Merging a duplicate and linking tickets from a ticket's page (docs/board.md, "Merge and
/// link"): the same operations and rights as the API, a refusal shown on the page.
struct TicketLinkPages: BoardController {
    let coordinator: Coordinator
    let bodyLimit: Int
    /// The ticket page, to show a refusal on.
    let ticketPages: TicketPages

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.post("/tickets/{id}/merge") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            do {
                let into = try Self.ticketNumber(form, "into")
                let survivor = try await coordinator.write {
                    try await coordinator.tickets.merge(id, into: into, by: session.principal, in: $0)
                }
                return Pages.redirect(to: "/board/tickets/\(survivor.id)#history")
            } catch let error as CoordinatorError where [.invalid, .conflict].contains(error.code) {
                return try await ticketPages.ticketPage(
                    id, request, session, error: "Not merged: \(error.message)", status: error.code.httpStatus)
            }
        }
        signedIn.post("/tickets/{id}/links") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            do {
                let other = try Self.ticketNumber(form, "other")
                guard let relation = TicketRelation(rawValue: form["relation"] ?? "") else {
                    throw CoordinatorError.invalid("relation", "related, parent or child")
                }
                try await coordinator.write {
                    try await coordinator.tickets.link(id, to: other, as: relation, by: session.principal, in: $0)
                }
                return Pages.redirect(to: "/board/tickets/\(id)#links")
            } catch let error as CoordinatorError where error.code == .invalid {
                return try await ticketPages.ticketPage(
                    id, request, session, error: "Not linked: \(error.message)", status: error.code.httpStatus)
            }
        }
        signedIn.post("/tickets/{id}/links/{other}/delete") { request, context in
            let (id, session) = (try Query.id(context), try context.boardSession())
            try await WebForm(request, limit: bodyLimit).requireCSRF(session.csrf)
            guard let other = context.parameters.get("other").flatMap(Int.init) else {
                throw CoordinatorError(.badRequest, "the other ticket must be a number")
            }
            try await coordinator.write { try await coordinator.tickets.unlink(id, from: other, by: session.principal, in: $0) }
            return Pages.redirect(to: "/board/tickets/\(id)#links")
        }
    }

    /// A ticket's number as a person types it: "42" or "#42".
    static func ticketNumber(_ form: WebForm, _ name: String) throws -> Int {
        let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces).drop { $0 == "#" }
        guard let number = Int(text), number > 0 else { throw CoordinatorError.invalid(name, "a ticket's number, such as 42") }
        return number
    }
}

/// The tickets linked to one, as its page lists them.
struct TicketLinksSection {
    struct Line {
        /// The page's ticket.
        var ticketId: Int
        var id: Int
        var title: String
        var status: String
        /// "related ticket", "parent", "child"
        var role: String
    }

    var lines: [Line] = []
    var hasLines = false
    /// "This ticket was merged into #7."
    var mergedInto: Int?

    init() {}

    init(_ links: [(ticket: Ticket, relation: TicketRelation)], of ticketId: Int, mergedInto: Int?) {
        lines = links.map { link in
            Line(
                ticketId: ticketId, id: link.ticket.id, title: link.ticket.title,
                status: link.ticket.status.rawValue.replacingOccurrences(of: "_", with: " "),
                role: link.relation == .related ? "related" : link.relation.rawValue)
        }
        hasLines = !lines.isEmpty
        self.mergedInto = mergedInto
    }
}
