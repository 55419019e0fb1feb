import Foundation
import TriageModel

/// A diagnosis attached to a ticket, as received.
public struct Diagnostic: Codable, Sendable, Equatable {
    public var ticketId: Int
    public var postedBy: String
    public var receivedAt: Date
    public var report: DiagnosticReport
}
