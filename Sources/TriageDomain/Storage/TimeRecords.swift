import Foundation

/// Time spent on tickets.
public protocol TimeRecords: Sendable {
    /// Stores a new entry; the id it is given is the one returned.
    func insertTimeEntry(_ entry: TimeEntry) async throws -> TimeEntry
    /// A ticket's entries, oldest first.
    func timeEntries(ticketId: Int) async throws -> [TimeEntry]
    /// Entries worked on in `[from, to)` on tickets of `customerId` (any when nil), oldest first.
    func timeEntries(from: Date, to: Date, customerId: Int?) async throws -> [TimeEntry]
}
