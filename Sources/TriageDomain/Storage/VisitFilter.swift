import Foundation

/// Which visits a list returns.
public struct VisitFilter: Sendable, Equatable {
    public var technicianIds: [Int]?
    public var ticketIds: [Int]?
    /// Only visits still holding time (booked, en route, on site).
    public var activeOnly = false
    /// Only visits on site at a host's tickets.
    public var onSiteAtHost: Int?
    /// Overlapping this window.
    public var overlapping: DateInterval?

    public init(
        technicianIds: [Int]? = nil, ticketIds: [Int]? = nil, activeOnly: Bool = false, onSiteAtHost: Int? = nil,
        overlapping: DateInterval? = nil
    ) {
        self.technicianIds = technicianIds
        self.ticketIds = ticketIds
        self.activeOnly = activeOnly
        self.onSiteAtHost = onSiteAtHost
        self.overlapping = overlapping
    }
}
