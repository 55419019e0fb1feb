import Foundation

/// Where a visit is in its life: booked → en_route → on_site → done, or cancelled before done.
public enum VisitStatus: String, Codable, Sendable, CaseIterable {
    case booked
    case enRoute = "en_route"
    case onSite = "on_site"
    case done
    case cancelled

    /// Still holding the technician's time.
    public var isActive: Bool { self == .booked || self == .enRoute || self == .onSite }

    package func canMove(to next: VisitStatus) -> Bool {
        switch (self, next) {
        case (.booked, .enRoute), (.enRoute, .onSite), (.onSite, .done), (.booked, .onSite): true
        case (.booked, .cancelled), (.enRoute, .cancelled), (.onSite, .cancelled): true
        default: false
        }
    }
}

/// A technician's visit to a site for a ticket.
public struct Visit: Codable, Sendable, Equatable {
    public var id: Int
    public var ticketId: Int
    public var technicianId: Int
    public var siteId: Int
    public var start: Date
    public var end: Date
    public var status: VisitStatus
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date

    package init(
        id: Int, ticketId: Int, technicianId: Int, siteId: Int, start: Date, end: Date, status: VisitStatus, notes: String? = nil,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.ticketId = ticketId
        self.technicianId = technicianId
        self.siteId = siteId
        self.start = start
        self.end = end
        self.status = status
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// POST /visits: book a proposed (or any) window; every constraint is checked again.
public struct VisitBooking: Codable, Sendable, Equatable {
    public var ticketId: Int
    public var technicianId: Int
    public var start: Date
    public var end: Date
    public enum CodingKeys: String, CodingKey, CaseIterable { case ticketId, technicianId, start, end }

    public init(ticketId: Int, technicianId: Int, start: Date, end: Date) {
        (self.ticketId, self.technicianId, self.start, self.end) = (ticketId, technicianId, start, end)
    }
}

/// POST /visits/{id}/status: the next step, with notes (required for done).
public struct VisitStatusChange: Codable, Sendable, Equatable {
    public var status: VisitStatus
    public var notes: String?
    public enum CodingKeys: String, CodingKey, CaseIterable { case status, notes }

    package init(status: VisitStatus, notes: String? = nil) {
        self.status = status
        self.notes = notes
    }
}

/// POST /visits/{id}/reschedule: a new window, and optionally another technician.
public struct VisitReschedule: Codable, Sendable, Equatable {
    public var start: Date
    public var end: Date
    public var technicianId: Int?
    public enum CodingKeys: String, CodingKey, CaseIterable { case start, end, technicianId }

    package init(start: Date, end: Date, technicianId: Int? = nil) {
        self.start = start
        self.end = end
        self.technicianId = technicianId
    }
}

/// One proposed (technician, window), and why it fits.
public struct VisitSlot: Codable, Sendable, Equatable {
    public var technicianId: Int
    public var technicianName: String
    public var start: Date
    public var end: Date
    /// Minutes of travel from the technician's previous visit that day (0 when none).
    public var travelMinutes: Int
    /// Weighted load of the technician's open tickets.
    public var load: Int
    /// Ends after the ticket's resolution deadline.
    public var breachesDeadline: Bool
    public var reasons: [String]
}
