/// Where a ticket is in its life (docs/coordinator.md), and which moves between states are allowed.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new
    case assigned
    case inProgress = "in_progress"
    case waitingCustomer = "waiting_customer"
    case waitingVendor = "waiting_vendor"
    case resolved
    case closed

    /// Whether an update may move a ticket from this status to `next` in one step. Work states
    /// move freely among themselves (back to new only by unassigning); a resolved ticket can
    /// only be closed; a resolved or closed ticket comes back only through ``reopened(assigned:)``.
    public func canMove(to next: TicketStatus) -> Bool {
        guard next != self else { return false }
        switch self {
        case .new, .assigned, .inProgress, .waitingCustomer, .waitingVendor:
            return next != .new || self == .assigned
        case .resolved:
            return next == .closed
        case .closed:
            return false
        }
    }

    /// Where reopening leads: back to work with the assignee, or to the queue without one;
    /// nil when the ticket is still open.
    public func reopened(assigned: Bool) -> TicketStatus? {
        guard !isOpen else { return nil }
        return assigned ? .inProgress : .new
    }

    /// True while somebody still has to act on the ticket.
    public var isOpen: Bool { self != .resolved && self != .closed }
}
