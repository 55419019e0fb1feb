import Foundation

/// One document the search matched, best first.
public struct SearchMatch: Sendable, Equatable {
    public var kind: SearchKind
    public var ref: Int
    public var ticketId: Int?
    public var customerId: Int?

    public init(kind: SearchKind, ref: Int, ticketId: Int?, customerId: Int?) {
        self.kind = kind
        self.ref = ref
        self.ticketId = ticketId
        self.customerId = customerId
    }
}

/// Where a search looks: tickets' own words, their messages, or the parties to tickets
/// (customers, contacts, hosts) — apart, so a thousand messages never crowd out the one title or
/// the one customer.
public enum SearchScope: Sendable, CaseIterable {
    case tickets, messages, parties

    public var kinds: [SearchKind] {
        switch self {
        case .tickets: [.ticket]
        case .messages: [.message]
        case .parties: [.customer, .contact, .host]
        }
    }
}

/// The search index (docs/search.md): SQLite's FTS5 or PostgreSQL's full-text search over the
/// documents the store writes itself whenever a ticket, a message or a party changes.
public protocol SearchRecords: Sendable {
    /// Documents with every one of `query`'s terms as the start of a word, best first among the
    /// newest that match, at most `limit`.
    func search(_ query: SearchQuery, in scope: SearchScope, limit: Int) async throws -> [SearchMatch]
    /// Tickets of these customers, requesters or hosts, open ones first, then newest, at most `limit`.
    func tickets(ofCustomers customers: [Int], requesters: [Int], hosts: [Int], limit: Int) async throws -> [Ticket]
}
