import Foundation
import TriageModel

/// What the health rules read before deciding about one report, loaded in a few reads
/// (`HealthIntake.snapshot`): the host, its item states, the tickets they may act on, an on-site visit.
package struct HealthSnapshot: Sendable {
    package var host: Record<HostFields>
    /// The report interval a push agent or a collector's schedule promised; nil for sweeps,
    /// which are not watched for silence.
    package var interval: Int?
    /// The report comes from the host's own push agent (not a collector).
    package var byAgent = true
    /// When the host last reported and its "not reporting" ticket (push agents only).
    package var hostHealth: HostHealth?
    /// The host's item states before this report.
    package var states: [CheckState] = []
    /// The tickets the report may act on (`HealthPlanner.wants`), by id.
    package var tickets: [Int: Ticket] = [:]
    /// Of those, the ones a person answered publicly or (un)assigned: the rules keep their hands off.
    package var touchedByPeople: Set<Int> = []
    /// Item states of other hosts whose problems go to those tickets.
    package var otherStates: [CheckState] = []
    /// A technician on site at the host: new problems go to their visit's ticket.
    package var visitOnSite: Visit?
}

/// What the snapshot must hold beyond the host's item states; decided from the report alone.
package struct SnapshotWants: Equatable, Sendable {
    package var tickets: Set<Int> = []
    /// Tickets that may resolve: their people's history and other hosts' states are read too.
    package var mayResolve: Set<Int> = []
    package var visit = false
}

/// Everything one report changes, decided before anything is written (`HealthPlanner.plan`).
package struct HealthPlan: Equatable, Sendable {
    /// The host's reporting record (push agents).
    package var hostHealth: HostHealth?
    /// Item states that differ from the snapshot's, new ones included, by plugin and item.
    package var states: [CheckState] = []
    /// The ticket the report's new problems open together.
    package var newTicket: NewHealthTicket?
    /// What happens to existing tickets, in the order to apply.
    package var updates: [HealthTicketUpdate] = []
    /// The receipt's lists, but for the ticket opened (its id is known once stored).
    package var updated: [Int] = []
    package var reopened: [Int] = []
    package var resolved: [Int] = []
}

package struct NewHealthTicket: Equatable, Sendable {
    package var input: TicketInput
    package var dedupeKey: String
    /// The items (`CheckState.key`) whose problems go to it.
    package var items: Set<String>
    package var events: [NewEvent]
}

package struct HealthTicketUpdate: Equatable, Sendable {
    package var ticketId: Int
    package var events: [NewEvent]
    /// Reopen first, for this reason.
    package var reopen: String?
    package var tagFlapping = false
    /// Resolve last, for this reason.
    package var resolve: String?
}
