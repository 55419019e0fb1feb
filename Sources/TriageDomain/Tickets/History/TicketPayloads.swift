import Foundation

// The payloads of the ticket's own history entries (`HistoryEntry`), each as its `data` on the wire.

public struct TicketCreated: Codable, Sendable, Equatable {
    public var title: String
    public var severity: Int
    public var tier: Int
    public var channel: TicketChannel
    @ExplicitNull public var customerId: Int?
    @ExplicitNull public var hostId: Int?
}

/// What changed of the ticket's descriptive fields, each as from/to.
public struct FieldChanges: Codable, Sendable, Equatable {
    public var title: Change<String>?
    public var description: Change<String>?
    public var tags: Change<[String]>?
    public var requiredSkills: Change<[String]>?
    public var customerId: Change<Int?>?
    public var hostId: Change<Int?>?
    public var requesterId: Change<Int?>?
    public var cc: Change<[String]>?

    package var isEmpty: Bool { self == FieldChanges() }
}

/// A duplicate merged into another ticket: which into which, and what moved.
public struct TicketMerge: Codable, Sendable, Equatable {
    public var from: Int
    public var into: Int
    /// The duplicate's title, for the survivor's history.
    public var title: String
    /// How many history entries (messages, notes and the rest) moved.
    public var moved: Int
    /// Addresses the survivor's replies now copy: the duplicate's requester and CCs.
    public var cc: [String]
}

/// A link between two tickets as one of them sees it: the other, and what it is to this one.
public struct TicketLinkChange: Codable, Sendable, Equatable {
    public var ticketId: Int
    public var relation: TicketRelation
}

/// What a linked ticket is to this one.
public enum TicketRelation: String, Codable, Sendable, CaseIterable {
    case related, parent, child

    /// What this ticket is to the other.
    public var inverse: TicketRelation {
        switch self {
        case .related: .related
        case .parent: .child
        case .child: .parent
        }
    }
}

public struct Comment: Codable, Sendable, Equatable {
    public var body: String
    public var visibility: CommentInput.Visibility
    /// Files attached to the reply or note.
    public var attachments: [Attachment]?
    /// Where a public reply went by mail; nil when it went nowhere (no requester's address, mail off).
    public var mail: MailSent?

    public init(body: String, visibility: CommentInput.Visibility, attachments: [Attachment]? = nil, mail: MailSent? = nil) {
        self.body = body
        self.visibility = visibility
        self.attachments = attachments
        self.mail = mail
    }
}

public struct Acknowledged: Codable, Sendable, Equatable {
    public var responseDueAt: Date
}

/// A status change (also a reopen); `reason` when the system made it.
public struct StatusChange: Codable, Sendable, Equatable {
    public var from: TicketStatus
    public var to: TicketStatus
    public var reason: String?
}

/// Who got the ticket and why: a person's choice (`reason` only), or the rules' decision with
/// its trigger, how many were eligible and who came second. Also the payload of a kept
/// assignment and of an unassignable ticket (no assignee chosen).
public struct AssignmentMade: Codable, Sendable, Equatable {
    public struct RunnerUp: Codable, Sendable, Equatable {
        public var technicianId: Int
        public var name: String
        public var qualifies: String
    }

    public var trigger: String?
    public var reason: String
    public var eligible: Int?
    public var runnerUp: RunnerUp?
    public var assigneeId: Int?
    public var previousAssigneeId: Int?
}

public struct Unassigned: Codable, Sendable, Equatable {
    public var previousAssigneeId: Int?
}

/// Functional (`from`/`to` tiers) or hierarchical (`notified: lead`); `reportId` when a diagnosis asked for it.
public struct Escalation: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case functional, hierarchical }

    public var kind: Kind
    public var from: Int?
    public var to: Int?
    public var notified: String?
    public var reason: String
    public var reportId: UUID?
}

public struct VendorCaseOpened: Codable, Sendable, Equatable {
    public var vendor: String
    @ExplicitNull public var externalRef: String?
    @ExplicitNull public var status: String?
    @ExplicitNull public var vendorSeverity: String?
    @ExplicitNull public var vendorDueAt: Date?
}

public struct VendorCaseUpdated: Codable, Sendable, Equatable {
    public var vendor: String
    public var externalRef: Change<String?>?
    public var status: Change<String?>?
    public var vendorSeverity: Change<String?>?
    public var vendorDueAt: Change<Date?>?
}

public struct SLATarget: Codable, Sendable, Equatable {
    /// `respond` or `resolve`.
    public var target: String
    public var dueAt: Date
}
