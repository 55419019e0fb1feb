import Foundation

/// What merging and linking tickets write besides the tickets themselves.
public protocol LinkRecords: Sendable {
    /// Moves every history entry of `from` to `into` (the search index follows); returns how many.
    func moveEvents(fromTicket from: Int, toTicket into: Int) async throws -> Int
    /// Moves the time logged on `from` to `into`.
    func moveTimeEntries(fromTicket from: Int, toTicket into: Int) async throws
    /// The tickets linked to `ticketId` and what each is to it.
    func links(ofTicket ticketId: Int) async throws -> [(ticketId: Int, relation: TicketRelation)]
    /// Links `other` to `ticketId` as `relation` (what `other` is to `ticketId`), replacing a link between the two.
    func link(_ ticketId: Int, _ other: Int, as relation: TicketRelation, at: Date) async throws
    /// Removes the link between the two; false when there was none.
    func unlink(_ ticketId: Int, _ other: Int) async throws -> Bool
}
