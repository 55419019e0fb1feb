import Foundation
import TriageModel

/// What the search box finds: a ticket by its own words, a message or note on it, or a party to
/// tickets — a customer, a contact, a host.
public enum SearchKind: String, Sendable, Codable, CaseIterable {
    case ticket, message, customer, contact, host
}

/// One record's words as the store indexes them (docs/search.md), kept current by the store on
/// every write of the record. `ticketId` is the ticket a ticket or message document belongs to;
/// `customerId` the customer a party belongs to.
public struct SearchDocument: Sendable, Equatable {
    public var kind: SearchKind
    public var ref: Int
    public var ticketId: Int?
    public var customerId: Int?
    /// `SearchWords` joined by spaces.
    public var words: String

    public init(kind: SearchKind, ref: Int, ticketId: Int? = nil, customerId: Int? = nil, words: [String]) {
        self.kind = kind
        self.ref = ref
        self.ticketId = ticketId
        self.customerId = customerId
        self.words = words.joined(separator: " ")
    }

    /// A ticket: its title (twice: a word in the title weighs more), description and tags.
    public static func of(_ ticket: Ticket) -> SearchDocument {
        let title = SearchWords.of(ticket.title)
        return SearchDocument(
            kind: .ticket, ref: ticket.id, ticketId: ticket.id, customerId: ticket.customerId,
            words: title + title + SearchWords.of(ticket.description) + ticket.tags.flatMap(SearchWords.of))
    }

    /// A reply, a note, or mail received: its text, and a mail's subject and sender; nil for the
    /// events that carry no words of their own.
    public static func of(_ event: TicketEvent) -> SearchDocument? {
        guard event.kind == .comment || event.kind == .mailReceived else { return nil }
        let words: [String]
        switch event.entry {
        case .comment(let comment)?:
            words = SearchWords.of(comment.body) + (comment.attachments ?? []).flatMap { SearchWords.of($0.name) }
        case .mailReceived(let mail)?:
            words =
                SearchWords.of(mail.subject) + SearchWords.of(mail.fromName ?? "") + SearchWords.of(mail.from)
                + SearchWords.of(mail.body) + mail.attachments.flatMap { SearchWords.of($0.name) }
        default: return nil
        }
        return SearchDocument(kind: .message, ref: event.id, ticketId: event.ticketId, words: words)
    }

    /// A customer, contact or host by its name, addresses and phone numbers (by their digits).
    public static func of<F: InventoryFields>(_ fields: F, id: Int, customerId: Int?) -> SearchDocument? {
        switch fields {
        case let customer as CustomerFields:
            return SearchDocument(
                kind: .customer, ref: id, customerId: id,
                words: SearchWords.of(customer.name) + SearchWords.of(customer.contactEmail ?? "")
                    + SearchWords.phone(customer.contactPhone ?? ""))
        case let contact as ContactFields:
            return SearchDocument(
                kind: .contact, ref: id, customerId: contact.customerId,
                words: SearchWords.of(contact.name) + SearchWords.of(contact.email ?? "") + SearchWords.phone(contact.phone ?? ""))
        case let host as HostFields:
            return SearchDocument(
                kind: .host, ref: id, customerId: customerId, words: SearchWords.of(host.name) + SearchWords.of(host.address ?? ""))
        default:
            return nil
        }
    }
}
