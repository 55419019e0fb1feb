import Foundation

/// A technician's open tickets by severity and when they were last given one.
public struct Workload: Sendable, Equatable {
    public var openBySeverity: [Int: Int]
    public var lastAssignedAt: Date?

    public init(openBySeverity: [Int: Int] = [:], lastAssignedAt: Date? = nil) {
        self.openBySeverity = openBySeverity
        self.lastAssignedAt = lastAssignedAt
    }
}
