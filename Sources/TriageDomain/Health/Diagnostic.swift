import Foundation
import TriageModel

/// A diagnosis attached to a ticket, as received. Its recommendation acts on the ticket only
/// when someone who may change the ticket posted or later applied it (`appliedAt`); until then
/// it is information (docs/coordinator.md, "Roles").
public struct Diagnostic: Codable, Sendable, Equatable {
    /// Its place on the ticket: pages of diagnoses follow it.
    public var id: Int
    public var ticketId: Int
    public var postedBy: Actor
    public var receivedAt: Date
    public var report: DiagnosticReport
    public var appliedAt: Date?
    public var appliedBy: Actor?

    package init(
        id: Int, ticketId: Int, postedBy: Actor, receivedAt: Date, report: DiagnosticReport, appliedAt: Date? = nil, appliedBy: Actor? = nil
    ) {
        self.id = id
        self.ticketId = ticketId
        self.postedBy = postedBy
        self.receivedAt = receivedAt
        self.report = report
        self.appliedAt = appliedAt
        self.appliedBy = appliedBy
    }
}
