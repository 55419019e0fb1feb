import Foundation
import TriageModel

/// What the search box found (docs/search.md): tickets best first, each with where it matched
/// and the words around the match, and the customers, contacts and hosts it matched.
public struct SearchResult: Sendable, Encodable {
    public struct TicketHit: Sendable, Encodable {
        public var ticket: Ticket
        /// Where it matched, in words: "title or description", "mail from anna@acme.example",
        /// "contact Anna Berg", "ticket number".
        public var matchedIn: String
        public var snippet: SearchSnippet?
    }

    public struct PartyHit: Sendable, Encodable {
        public var kind: SearchKind
        public var id: Int
        public var customerId: Int?
        public var name: String
        /// Email and phone, or the host's address.
        public var detail: String
    }

    public var query: SearchQuery
    public var tickets: [TicketHit]
    public var parties: [PartyHit]
}

extension TicketDesk {
    /// How many tickets and parties a search shows: a person reads the first screen, and more
    /// words narrow it down.
    public static let searchTickets = 50
    static let searchParties = 10

    /// Tickets and parties matching `text`: a ticket by its number, by words in its title,
    /// description, messages and notes, and by its customer, requester or host; parties by name,
    /// address and phone number (its digits, however typed).
    public func search(_ text: String, by principal: Principal) async throws -> SearchResult {
        try Access.readAll(principal)
        let query = SearchQuery(text)
        let number = Int(text.trimmingCharacters(in: .whitespaces).drop { $0 == "#" })
        guard !query.isEmpty || number != nil else { return SearchResult(query: query, tickets: [], parties: []) }
        let limit = Self.searchTickets
        return try await read { session in
            var hits: [SearchResult.TicketHit] = []
            func add(_ ticket: Ticket, _ matchedIn: String, _ snippet: SearchSnippet? = nil) {
                guard hits.count < limit, !hits.contains(where: { $0.ticket.id == ticket.id }) else { return }
                hits.append(SearchResult.TicketHit(ticket: ticket, matchedIn: matchedIn, snippet: snippet))
            }
            if let number, let ticket = try await session.ticket(number) { add(ticket, "ticket number") }
            guard !query.isEmpty else { return SearchResult(query: query, tickets: hits, parties: []) }

            // The best match of each ticket, best tickets first; only theirs are read.
            var best: [Int: SearchMatch] = [:]
            var order: [Int] = []
            // Tickets' own words first (a title says more than one message), then their messages.
            let matches =
                try await session.search(query, in: .tickets, limit: limit) + session.search(query, in: .messages, limit: limit * 4)
            for match in matches {
                guard let id = match.ticketId, order.count < limit, best[id] == nil else { continue }
                best[id] = match
                order.append(id)
            }
            let tickets = Dictionary(uniqueKeysWithValues: try await session.tickets(ids: order).map { ($0.id, $0) })
            let messages = best.values.filter { $0.kind == .message }.map(\.ref)
            let events = Dictionary(uniqueKeysWithValues: try await session.events(ids: messages).map { ($0.id, $0) })
            for id in order {
                guard let ticket = tickets[id], let match = best[id] else { continue }
                if match.kind == .ticket {
                    add(ticket, "title or description", SearchSnippet(ticket.title + " — " + ticket.description, query: query))
                } else if let event = events[match.ref], let (words, body) = Self.said(event) {
                    add(ticket, words, SearchSnippet(body, query: query))
                }
            }

            let parties = try await self.parties(try await session.search(query, in: .parties, limit: Self.searchParties), in: session)
            if hits.count < limit {
                let ofParty = try await session.tickets(
                    ofCustomers: parties.filter { $0.kind == .customer }.map(\.id),
                    requesters: parties.filter { $0.kind == .contact }.map(\.id),
                    hosts: parties.filter { $0.kind == .host }.map(\.id), limit: limit)
                for ticket in ofParty {
                    let party =
                        parties.first { $0.kind == .contact && $0.id == ticket.requesterId }
                        ?? parties.first { $0.kind == .host && $0.id == ticket.hostId }
                        ?? parties.first { $0.kind == .customer && $0.id == ticket.customerId }
                    add(ticket, party.map { "\($0.kind == .contact ? "requester" : $0.kind.rawValue) \($0.name)" } ?? "")
                }
            }
            return SearchResult(query: query, tickets: hits, parties: parties)
        }
    }

    /// Who said it and what: "mail from …", "reply", "internal note".
    private static func said(_ event: TicketEvent) -> (String, String)? {
        switch event.entry {
        case .comment(let comment)?: (comment.visibility == .internal ? "internal note" : "reply", comment.body)
        case .mailReceived(let mail)?: ("mail from \(mail.fromName ?? mail.from)", mail.subject + " — " + mail.body)
        default: nil
        }
    }

    private func parties(_ matches: [SearchMatch], in session: Records) async throws -> [SearchResult.PartyHit] {
        var parties: [SearchResult.PartyHit] = []
        for match in matches {
            switch match.kind {
            case .customer:
                if let customer = try await session.record(match.ref, as: CustomerFields.self) {
                    let detail = [customer.fields.contactEmail, customer.fields.contactPhone].compactMap { $0 }.joined(separator: " · ")
                    parties.append(.init(kind: .customer, id: match.ref, customerId: match.ref, name: customer.fields.name, detail: detail))
                }
            case .contact:
                if let contact = try await session.record(match.ref, as: ContactFields.self) {
                    let detail = [contact.fields.email, contact.fields.phone].compactMap { $0 }.joined(separator: " · ")
                    parties.append(
                        .init(
                            kind: .contact, id: match.ref, customerId: contact.fields.customerId, name: contact.fields.name, detail: detail)
                    )
                }
            case .host:
                if let host = try await session.record(match.ref, as: HostFields.self) {
                    parties.append(
                        .init(
                            kind: .host, id: match.ref, customerId: match.customerId, name: host.fields.name,
                            detail: host.fields.address ?? ""))
                }
            case .ticket, .message: continue
            }
        }
        return parties
    }
}
