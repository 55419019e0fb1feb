import Foundation

/// A message for the people who lead the desk: an escalation to the lead, a ticket nobody can
/// take. Written in the transaction of the change that causes it, so none is lost; read as a
/// feed (GET /api/v1/notifications) by whatever pages or mails the lead.
public struct Notification: Codable, Sendable, Equatable {
    public var id: Int
    /// `lead_escalation` or `unassignable`.
    public var type: String
    public var ticketId: Int?
    public var at: Date
    public var data: JSONValue

    package init(id: Int, type: String, ticketId: Int? = nil, at: Date, data: JSONValue) {
        self.id = id
        self.type = type
        self.ticketId = ticketId
        self.at = at
        self.data = data
    }
}

/// A technician's open tickets by severity and when they were last given one.
public struct Workload: Sendable, Equatable {
    public var openBySeverity: [Int: Int]
    public var lastAssignedAt: Date?

    public init(openBySeverity: [Int: Int] = [:], lastAssignedAt: Date? = nil) {
        self.openBySeverity = openBySeverity
        self.lastAssignedAt = lastAssignedAt
    }
}
