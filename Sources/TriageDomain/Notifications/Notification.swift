import Foundation

/// Something one person is told (docs/notifications.md): written for each recipient in the
/// transaction of the ticket change that causes it, so none is lost and none is told twice.
public struct Notification: Codable, Sendable, Equatable {
    public var id: Int
    /// The person's account.
    public var userId: Int
    public var kind: NotificationKind
    public var ticketId: Int
    /// The history entry that caused it.
    public var eventId: Int?
    public var at: Date
    /// The ticket's title and severity when it was written.
    public var title: String
    public var severity: Int
    /// What happened, in a sentence: "Assigned to you: tier 1, skills match, on shift".
    public var text: String
    /// Shown in the workspace (false: the person chose mail alone for its kind).
    public var inApp: Bool
    /// nil: unread.
    public var readAt: Date?
    public var mail: MailState
    /// When held or digest mail is due.
    public var mailDueAt: Date?

    /// Where its mail stands.
    public enum MailState: String, Codable, Sendable, CaseIterable {
        /// Not mailed (the person does not want it, has no address, or mail is off).
        case none
        /// In the outbox.
        case queued
        /// Held through quiet hours until `mailDueAt`.
        case held
        /// Waiting for the digest at `mailDueAt`.
        case digest
        /// Read in the workspace before its held or digest mail went: not mailed.
        case skipped
    }

    package init(
        id: Int = 0, userId: Int, kind: NotificationKind, ticketId: Int, eventId: Int?, at: Date, title: String, severity: Int,
        text: String, inApp: Bool = true, readAt: Date? = nil, mail: MailState = .none, mailDueAt: Date? = nil
    ) {
        self.id = id
        self.userId = userId
        self.kind = kind
        self.ticketId = ticketId
        self.eventId = eventId
        self.at = at
        self.title = title
        self.severity = severity
        self.text = text
        self.inApp = inApp
        self.readAt = readAt
        self.mail = mail
        self.mailDueAt = mailDueAt
    }
}

/// A person a notification may reach, with their choices (nil: the standard ones).
public struct NotificationRecipient: Sendable, Equatable {
    public var userId: Int
    public var login: String
    public var displayName: String
    public var email: String?
    public var role: Role
    public var technicianId: Int?
    /// Their technician's time zone, for times in what they are told.
    public var technicianZone: String?
    public var settings: NotificationSettings?

    package init(
        userId: Int, login: String, displayName: String, email: String?, role: Role, technicianId: Int?,
        technicianZone: String? = nil, settings: NotificationSettings?
    ) {
        self.userId = userId
        self.login = login
        self.displayName = displayName
        self.email = email
        self.role = role
        self.technicianId = technicianId
        self.technicianZone = technicianZone
        self.settings = settings
    }
}

/// Which notifications to mark read: these ids, one ticket's, or all.
public struct NotificationReadInput: Codable, Sendable {
    public var ids: [Int]?
    public var ticketId: Int?
    public var all: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable { case ids, ticketId, all }

    package func validate() throws {
        let given = [ids != nil, ticketId != nil, all == true].filter { $0 }.count
        guard given == 1 else { throw CoordinatorError.invalid("ids", "give one of ids, ticketId or all: true") }
        if let ids, ids.isEmpty || ids.count > 500 { throw CoordinatorError.invalid("ids", "1 to 500 ids") }
    }
}
