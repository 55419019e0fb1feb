import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/search?q=: the header's search box (docs/search.md) — tickets best first with where
/// they matched and the matching words marked, and the customers, contacts and hosts it found.
struct SearchPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/search") { request, context in
            let session = try context.boardSession()
            let text = Query(request).string("q") ?? ""
            let result = try await coordinator.tickets.search(text, by: session.principal)
            let customers = try await coordinator.inventory.names(
                .customer, ids: result.tickets.compactMap(\.ticket.customerId), by: session.principal)
            let clock = clock()
            var chrome = Chrome(session: session, clock: clock)
            chrome.search = text
            let count = result.tickets.count
            let view = SearchView(
                chrome: chrome, text: text,
                summary: result.query.isEmpty && result.tickets.isEmpty
                    ? "Type words to look for: a ticket's number, words from its title or messages, a name, an address, a phone number."
                    : count == 0 && result.parties.isEmpty
                        ? "Nothing matches “\(text)”."
                        : "\(count == TicketDesk.searchTickets ? "The best \(count)" : "\(count)") ticket\(count == 1 ? "" : "s") for “\(text)”, best first",
                tickets: result.tickets.map { hit in
                    SearchView.TicketLine(
                        id: hit.ticket.id, title: hit.ticket.title, severity: hit.ticket.severity,
                        status: hit.ticket.status.rawValue.replacingOccurrences(of: "_", with: " "),
                        customer: hit.ticket.customerId.map { customers[$0] ?? "customer \($0)" } ?? "no customer",
                        matchedIn: hit.matchedIn, runs: hit.snippet?.runs ?? [], hasSnippet: hit.snippet != nil)
                },
                parties: result.parties.map { party in
                    SearchView.PartyLine(
                        kind: party.kind.rawValue, name: party.name, detail: party.detail,
                        href: party.kind == .host ? "/board/hosts/\(party.id)" : "/board/customers/\(party.customerId ?? party.id)")
                },
                hasTickets: !result.tickets.isEmpty, hasParties: !result.parties.isEmpty)
            return pages.render("search", view)
        }
    }

    private struct SearchView {
        struct TicketLine {
            var id: Int
            var title: String
            var severity: Int
            var status: String
            var customer: String
            var matchedIn: String
            var runs: [SearchSnippet.Run]
            var hasSnippet: Bool
        }

        struct PartyLine {
            var kind: String
            var name: String
            var detail: String
            var href: String
        }

        var chrome: Chrome
        var text: String
        var summary: String
        var tickets: [TicketLine]
        var parties: [PartyLine]
        var hasTickets: Bool
        var hasParties: Bool
    }
}
