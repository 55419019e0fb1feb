import Foundation

/// Mail received and sent, and the files of messages (docs/mail.md).
public protocol MailRecords: Sendable {
    /// Keeps a raw message by its SHA-256 (again: nothing).
    func insertRawMail(sha256: String, content: [UInt8], at: Date) async throws
    func rawMail(sha256: String) async throws -> [UInt8]?
    /// What became of the message with this key (its Message-ID, or its SHA-256 without one).
    func inboundMail(dedupeKey: String) async throws -> InboundMail?
    func inboundMail(id: Int) async throws -> InboundMail?
    func insertInboundMail(_ mail: InboundMail, dedupeKey: String) async throws -> InboundMail
    func updateInboundMail(_ mail: InboundMail) async throws
    /// Newest first, before `before`.
    func inboundMails(outcome: InboundMail.Outcome, before: Int?, limit: Int) async throws -> [InboundMail]

    /// Keeps a file by its SHA-256 (again: nothing).
    func insertFile(sha256: String, content: [UInt8], at: Date) async throws
    func file(sha256: String) async throws -> [UInt8]?

    /// Contacts whose email is `address` (case-insensitive).
    func contacts(withEmail address: String) async throws -> [Contact]
    /// Customers that list `domain` among their verified mail domains.
    func customers(withMailDomain domain: String) async throws -> [Customer]
    /// Marks (or clears, with nil) every contact with this address as undeliverable.
    func setUndeliverable(_ reason: String?, email: String) async throws -> Int

    func insertOutbox(_ message: OutboxMessage) async throws -> OutboxMessage
    /// The messages of one ticket, oldest first (without their content).
    func outbox(ticketId: Int) async throws -> [OutboxMessage]
    func outbox(id: Int) async throws -> OutboxMessage?
    /// Messages due at `now`, oldest first: queued or retrying and due, or sending under a lease that ended.
    func dueOutbox(at now: Date, limit: Int) async throws -> [OutboxMessage]
    /// Writes `message` only while its stored state and lease holder are still `state` and
    /// `holder` (compare and set: of two instances one takes a message); false when they changed.
    func updateOutbox(_ message: OutboxMessage, ifState state: OutboxMessage.State, holder: String?) async throws -> Bool
    /// The newest automatic message to `recipient` about `ticketId`.
    func lastAutomaticMail(ticketId: Int, recipient: String) async throws -> Date?
}
