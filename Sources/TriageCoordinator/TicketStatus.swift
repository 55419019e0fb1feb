/// Where a ticket is in its life (DESIGN §5.1), and which moves between states are allowed.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new
    case assigned
    case inProgress = "in_progress"
    case waitingCustomer = "waiting_customer"
    case waitingVendor = "waiting_vendor"
    case resolved
    case closed

    /// Whether a ticket may move from this status to `next` in one step. Work states move
    /// freely among themselves; resolved can be closed or reopened; a closed ticket comes
    /// back only by reopening (to in_progress), never straight into waiting or resolved.
    public func canMove(to next: TicketStatus) -> Bool {
        guard next != self else { return false }
        switch self {
        case .new, .assigned, .inProgress, .waitingCustomer, .waitingVendor:
            return next != .new || self == .assigned
        case .resolved:
            return next == .closed || next == .inProgress || next == .assigned
        case .closed:
            return next == .inProgress
        }
    }

    /// True while somebody still has to act on the ticket.
    public var isOpen: Bool { self != .resolved && self != .closed }
}
