import Foundation

/// A file of a message as the history names it; its bytes are in the store by their SHA-256
/// (docs/mail.md, "Attachments").
public struct Attachment: Codable, Sendable, Equatable {
    public var name: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    /// False for a file over the size cap: only its name, size and SHA-256 were kept.
    public var stored: Bool

    public init(name: String, contentType: String, size: Int, sha256: String, stored: Bool = true) {
        self.name = name
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.stored = stored
    }
}

/// A message that came in by mail (`mail_received`).
public struct MailReceived: Codable, Sendable, Equatable {
    public var from: String
    public var fromName: String?
    public var to: [String]
    public var cc: [String]
    public var subject: String
    public var body: String
    public var messageId: String?
    public var attachments: [Attachment]
    /// Why it is automatic mail (an out-of-office, a bounce, a mailing list): kept as a note,
    /// never answered, never opening or reopening a ticket.
    public var automatic: String?
    /// The ticket its subject named when the sender may not write to it, or the closed ticket it follows.
    public var relatedTo: Int?
    /// The body was made from the HTML part (there was no plain-text one).
    public var fromHTML: Bool?
    /// The raw message's SHA-256.
    public var raw: String
}

/// Where a public reply went by mail, and as which message.
public struct MailSent: Codable, Sendable, Equatable {
    public var messageId: String
    public var to: [String]
    public var cc: [String]
}

/// A message of the outbox sent, or given up on (`mail_delivery`).
public struct MailDelivery: Codable, Sendable, Equatable {
    public var messageId: String
    public var recipients: [String]
    /// sent or failed.
    public var state: OutboxMessage.State
    public var attempts: Int
    /// Why it failed, with the server's reply.
    public var error: String?
    /// Recipients the server refused while it took the message for the others, with its replies.
    public var refused: [String]?
}

/// A message waiting in, or gone from, the outbox (docs/mail.md, "Email out").
public struct OutboxMessage: Sendable, Equatable {
    /// A public reply, an acknowledgement of new mail, or a person's notification (no ticket's own mail).
    public enum Kind: String, Sendable { case reply, acknowledgement, notification }
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting for its first attempt.
        case queued
        /// Taken by an instance under a lease; it goes back to retrying when the lease ends unfinished.
        case sending
        /// An attempt failed for a reason that may pass; `nextAttemptAt` says when the next comes.
        case retrying
        case sent
        /// Refused for good, or out of attempts.
        case failed
    }

    public var id: Int
    /// nil for notifications: they belong to a person, not to a ticket's conversation.
    public var ticketId: Int?
    public var eventId: Int?
    public var messageId: String
    public var kind: Kind
    public var envelopeFrom: String
    public var recipients: [String]
    public var content: [UInt8]
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var leaseHolder: String?
    public var leaseUntil: Date?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    package init(
        id: Int, ticketId: Int?, eventId: Int? = nil, messageId: String, kind: Kind, envelopeFrom: String, recipients: [String],
        content: [UInt8], state: State, attempts: Int, nextAttemptAt: Date, leaseHolder: String? = nil, leaseUntil: Date? = nil,
        lastError: String? = nil, createdAt: Date, sentAt: Date? = nil
    ) {
        self.id = id
        self.ticketId = ticketId
        self.eventId = eventId
        self.messageId = messageId
        self.kind = kind
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.content = content
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseHolder = leaseHolder
        self.leaseUntil = leaseUntil
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// A message as it arrived, and what became of it: a ticket, a note, quarantine, or nothing.
public struct InboundMail: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// Opened a ticket.
        case opened
        /// Added to a ticket (a reply, or automatic mail as a note).
        case appended
        /// From a sender Triage cannot place: held for the desk.
        case quarantined
        /// Automatic mail about no ticket: kept raw, nothing done.
        case ignored
        /// Not a mail at all.
        case rejected
        /// Released from quarantine into a ticket, or discarded, by the desk.
        case released, discarded
    }

    public var id: Int
    public var sha256: String
    public var sender: String?
    public var subject: String
    public var outcome: Outcome
    /// The reason in words: "threaded by In-Reply-To", "unknown sender", "automatic: out of office".
    public var detail: String
    public var ticketId: Int?
    public var receivedAt: Date

    package init(
        id: Int, sha256: String, sender: String? = nil, subject: String, outcome: Outcome, detail: String, ticketId: Int? = nil,
        receivedAt: Date
    ) {
        self.id = id
        self.sha256 = sha256
        self.sender = sender
        self.subject = subject
        self.outcome = outcome
        self.detail = detail
        self.ticketId = ticketId
        self.receivedAt = receivedAt
    }
}
