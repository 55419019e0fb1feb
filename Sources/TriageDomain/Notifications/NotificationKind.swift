/// What a person can be told about (docs/notifications.md). The raw values are `kind` on the wire
/// and in the store; the OpenAPI document lists exactly these.
public enum NotificationKind: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    /// A ticket was assigned to me (by the rules, a person, or on creation).
    case assigned
    /// A response or resolution target of my ticket (or an unassigned one, for the desk) is near.
    case slaWarning = "sla_warning"
    /// …or was missed.
    case slaBreach = "sla_breach"
    /// A ticket was escalated to the lead (the desk: dispatchers and admins).
    case escalated
    /// A visit of mine was booked, moved or cancelled.
    case visit
    /// Nobody can take a ticket (the desk).
    case unassignable
    /// The customer answered on my ticket.
    case customerReplied = "customer_replied"
    /// Someone wrote `@my-login` in a reply or note.
    case mentioned

    /// How the preferences and mails name it.
    public var words: String {
        switch self {
        case .assigned: "Assigned to me"
        case .slaWarning: "SLA target near, on my tickets"
        case .slaBreach: "SLA target missed, on my tickets"
        case .escalated: "Escalated to the lead"
        case .visit: "My visits booked, moved or cancelled"
        case .unassignable: "Tickets nobody can take"
        case .customerReplied: "The customer answered on my ticket"
        case .mentioned: "Someone mentions me (@login)"
        }
    }

    /// Kinds only the desk (dispatchers and admins) receives.
    public var deskOnly: Bool { self == .escalated || self == .unassignable }

    /// The kinds a person of `role` can receive, in the order the preferences list them.
    public static func kinds(for role: Role) -> [NotificationKind] {
        role == .admin || role == .dispatcher ? allCases : allCases.filter { !$0.deskOnly }
    }
}

/// How a kind reaches a person by mail.
public enum EmailChoice: String, Codable, Sendable, CaseIterable {
    /// Not by mail.
    case off
    /// One mail each, at once (held through quiet hours).
    case now
    /// In the daily digest, if still unread by then.
    case digest
}
