import Foundation
import TriageModel

/// What the health rules read before deciding about one report, loaded in a few reads
/// (`HealthIntake.snapshot`): the host, its item states, the tickets they may act on, an on-site visit.
struct HealthSnapshot: Sendable {
    var host: Record<HostFields>
    /// The report interval a push agent or a collector's schedule promised; nil for sweeps,
    /// which are not watched for silence.
    var interval: Int?
    /// The report comes from the host's own push agent (not a collector).
    var byAgent = true
    /// When the host last reported and its "not reporting" ticket (push agents only).
    var hostHealth: HostHealth?
    /// The host's item states before this report.
    var states: [CheckState] = []
    /// The tickets the report may act on (`HealthPlanner.wants`), by id.
    var tickets: [Int: Ticket] = [:]
    /// Of those, the ones a person answered publicly or (un)assigned: the rules keep their hands off.
    var touchedByPeople: Set<Int> = []
    /// Item states of other hosts whose problems go to those tickets.
    var otherStates: [CheckState] = []
    /// A technician on site at the host: new problems go to their visit's ticket.
    var visitOnSite: Visit?
}

/// What the snapshot must hold beyond the host's item states; decided from the report alone.
struct SnapshotWants: Equatable, Sendable {
    var tickets: Set<Int> = []
    /// Tickets that may resolve: their people's history and other hosts' states are read too.
    var mayResolve: Set<Int> = []
    var visit = false
}

/// Everything one report changes, decided before anything is written (`HealthPlanner.plan`).
struct HealthPlan: Equatable, Sendable {
    /// The host's reporting record (push agents).
    var hostHealth: HostHealth?
    /// Item states that differ from the snapshot's, new ones included, by plugin and item.
    var states: [CheckState] = []
    /// The ticket the report's new problems open together.
    var newTicket: NewHealthTicket?
    /// What happens to existing tickets, in the order to apply.
    var updates: [HealthTicketUpdate] = []
    /// The receipt's lists, but for the ticket opened (its id is known once stored).
    var updated: [Int] = []
    var reopened: [Int] = []
    var resolved: [Int] = []
}

struct NewHealthTicket: Equatable, Sendable {
    var input: TicketInput
    var dedupeKey: String
    /// The items (`CheckState.key`) whose problems go to it.
    var items: Set<String>
    var events: [NewEvent]
}

struct HealthTicketUpdate: Equatable, Sendable {
    var ticketId: Int
    var events: [NewEvent]
    /// Reopen first, for this reason.
    var reopen: String?
    var tagFlapping = false
    /// Resolve last, for this reason.
    var resolve: String?
}
