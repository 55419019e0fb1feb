import Foundation

/// Time someone spent on a ticket (docs/board.md, "Time"): minutes, what was done, and whether
/// the customer is billed for it — an MSP's invoice is the billable minutes per customer and month.
public struct TimeEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int
    public var ticketId: Int
    /// The technician the account speaks for; nil for a desk account without one.
    public var technicianId: Int?
    /// Who logged it: `person:dispatcher:dora`.
    public var author: Actor
    public var minutes: Int
    public var note: String
    public var billable: Bool
    /// The day the work was done.
    public var workedOn: Date
    public var createdAt: Date

    public init(
        id: Int, ticketId: Int, technicianId: Int?, author: Actor, minutes: Int, note: String, billable: Bool, workedOn: Date,
        createdAt: Date
    ) {
        self.id = id
        self.ticketId = ticketId
        self.technicianId = technicianId
        self.author = author
        self.minutes = minutes
        self.note = note
        self.billable = billable
        self.workedOn = workedOn
        self.createdAt = createdAt
    }
}

/// Time to log: 1 minute to 24 hours, a note of what was done, billable unless said otherwise.
public struct TimeEntryInput: Codable, Sendable, Equatable {
    public var minutes: Int
    public var note: String?
    public var billable: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable { case minutes, note, billable }

    public init(minutes: Int, note: String? = nil, billable: Bool? = nil) {
        self.minutes = minutes
        self.note = note
        self.billable = billable
    }

    func validate() throws {
        guard (1...1440).contains(minutes) else { throw CoordinatorError.invalid("minutes", "must be 1 to 1440 (a day)") }
        guard (note ?? "").count <= 2000 else { throw CoordinatorError.invalid("note", "is longer than 2000 characters") }
    }
}

extension TicketDesk {
    /// Logs time on a ticket: anyone who may reply to it.
    public func logTime(onTicket id: Int, _ input: TimeEntryInput, by principal: Principal, in session: Records) async throws -> TimeEntry {
        try Access.comment(principal)
        try input.validate()
        guard try await session.ticket(id) != nil else { throw CoordinatorError.notFound("ticket", id) }
        let at = now()
        let entry = TimeEntry(
            id: 0, ticketId: id, technicianId: principal.technicianId, author: principal.actor, minutes: input.minutes,
            note: (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines), billable: input.billable ?? true, workedOn: at,
            createdAt: at)
        return try await session.insertTimeEntry(entry)
    }

    /// A ticket's time, oldest first.
    public func timeEntries(ofTicket id: Int, by principal: Principal) async throws -> [TimeEntry] {
        try Access.readAll(principal)
        return try await read { session in
            guard try await session.ticket(id) != nil else { throw CoordinatorError.notFound("ticket", id) }
            return try await session.timeEntries(ticketId: id)
        }
    }

    /// Every entry worked on in `[from, to)`, of one customer when given, oldest first: a month's
    /// invoice and its CSV (the desk only: it is what the customer pays).
    public func timeEntries(from: Date, to: Date, customerId: Int?, by principal: Principal) async throws -> [TimeEntry] {
        try Access.dispatch(principal)
        return try await read { try await $0.timeEntries(from: from, to: to, customerId: customerId) }
    }
}
