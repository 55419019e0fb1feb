/// The kinds of entry in a ticket's history, as `type` on the wire. Each has one payload type
/// (`HistoryEntry`); the OpenAPI document lists exactly these (a test keeps it so).
public enum EventKind: String, Codable, Sendable, CaseIterable {
    // The ticket itself
    case created, updated, comment, acknowledged, reopened
    case merged, linked, unlinked
    case mailReceived = "mail_received"
    case mailDelivery = "mail_delivery"
    case statusChanged = "status_changed"
    case severityChanged = "severity_changed"
    case tierChanged = "tier_changed"
    // Assignment
    case assigned, unassigned, unassignable
    case assignmentKept = "assignment_kept"
    // Escalation and vendors
    case escalated
    case vendorCaseOpened = "vendor_case_opened"
    case vendorCaseUpdated = "vendor_case_updated"
    case vendorCaseSuggested = "vendor_case_suggested"
    // Diagnoses
    case diagnosticAttached = "diagnostic_attached"
    case diagnosisApplied = "diagnosis_applied"
    case diagnosisJob = "diagnosis_job"
    case flagged
    case skillsRequired = "skills_required"
    // SLA
    case slaWarning = "sla_warning"
    case slaBreach = "sla_breach"
    // Visits
    case visitBooked = "visit_booked"
    case visitRescheduled = "visit_rescheduled"
    case visitEnRoute = "visit_en_route"
    case visitOnSite = "visit_on_site"
    case visitDone = "visit_done"
    case visitCancelled = "visit_cancelled"
    // Health reports
    case problem, recovered, flapping
    case problemChanged = "problem_changed"
    case flappingStopped = "flapping_stopped"
    case hostSilent = "host_silent"
    case hostReporting = "host_reporting"

    /// How a person reads it: "status changed".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// Who did something: a person or script by their token (`dispatcher:alice`), a push agent by its
/// token (`agent:web-01`), a collector by its token (`collector:dc-east`), or a part of the coordinator itself (`system:sla`). On the wire and in
/// the store it is that `kind:name` text.
public enum Actor: Sendable, Hashable, Codable, CustomStringConvertible {
    case person(Role, String)
    case agent(String)
    case collector(String)
    /// A Prometheus Alertmanager by its token (`alertmanager:prometheus`).
    case alertmanager(String)
    case system(Component)

    /// The coordinator's parts that act on their own.
    public enum Component: String, Sendable, Codable {
        case health, assignment, sla, jobs, mail
    }

    /// From its `kind:name` text; nil for text no actor has.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "agent": self = .agent(parts[1])
        case "collector": self = .collector(parts[1])
        case "alertmanager": self = .alertmanager(parts[1])
        case "system":
            guard let component = Component(rawValue: parts[1]) else { return nil }
            self = .system(component)
        default:
            guard let role = Role(rawValue: parts[0]) else { return nil }
            self = .person(role, parts[1])
        }
    }

    public var description: String {
        switch self {
        case .person(let role, let name): "\(role.rawValue):\(name)"
        case .agent(let name): "agent:\(name)"
        case .collector(let name): "collector:\(name)"
        case .alertmanager(let name): "alertmanager:\(name)"
        case .system(let component): "system:\(component.rawValue)"
        }
    }

    /// A person, not a machine: what they do to a ticket keeps the health rules' hands off it.
    public var isPerson: Bool {
        if case .person = self { true } else { false }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let actor = Actor(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is no actor"))
        }
        self = actor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
