#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What one health report did at the coordinator: the answer to POST /api/v1/reports, written
/// by the coordinator and read by the agent.
public struct ReportReceipt: Codable, Sendable, Equatable {
    public var reportId: UUID
    /// False when this report id was received before (nothing was done again).
    public var accepted: Bool
    /// Tickets opened, reopened, added to or resolved by this report.
    public var opened: [Int] = []
    public var reopened: [Int] = []
    public var updated: [Int] = []
    public var resolved: [Int] = []

    public init(reportId: UUID, accepted: Bool) {
        self.reportId = reportId
        self.accepted = accepted
    }
}
