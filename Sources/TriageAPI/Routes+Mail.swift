import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge

/// POST /release of a held message: the customer whose ticket it becomes.
struct ReleaseInput: Codable, Sendable {
    var customerId: Int
    enum CodingKeys: String, CodingKey, CaseIterable { case customerId }
}

extension ReleaseInput: StrictInput { typealias Field = CodingKeys }

/// The mailgate's messages, the quarantine, a ticket's outbox and files.
struct MailRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    /// Mail in from `triage mailgate`, the quarantine, and the files and outbox of a ticket (docs/mail.md).
    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        group.post("/mail") { request, context in
            let query = Query(request)
            let envelope = Mailroom.Envelope(sender: try query.text("sender"), recipient: try query.text("recipient"))
            let buffer = try await request.body.collect(upTo: .max)
            guard buffer.readableBytes > 0 else { throw CoordinatorError(.badRequest, "the body must be the raw message (RFC 5322)") }
            let filed = try await coordinator.mail.receive(Array(buffer.readableBytesView), envelope: envelope, by: try context.caller())
            return JSONBody.response(filed)
        }
        group.get("/mail/quarantine") { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await coordinator.mail.quarantine(before: try query.cursor, limit: try query.limit, by: try context.caller()))
        }
        group.post("/mail/quarantine/{id}/release") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(ReleaseInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.mail.release(id, toCustomer: input.customerId, by: principal, in: session))
            }
        }
        group.post("/mail/quarantine/{id}/discard") { request, context in
            let id = try Query.id(context)
            try await JSONBody.requireEmpty(request, limit: limit)
            return try await writer.run(request, context, body: Data()) { session, principal in
                try IdempotentWrite.json(try await coordinator.mail.discard(id, by: principal, in: session))
            }
        }
        group.get("/tickets/{id}/outbox") { _, context in
            JSONBody.response(
                try await coordinator.mail.outbox(ticket: try Query.id(context), by: try context.caller()).map(OutboxLine.init))
        }
        group.get("/tickets/{id}/files/{sha256}") { _, context in
            let (file, bytes) = try await coordinator.mail.file(
                try Query.sha256(context), ofTicket: try Query.id(context), by: try context.caller())
            return FileDownload.response(file, bytes)
        }
    }
}

/// An outbox message as the API shows it: where it stands, not its bytes.
struct OutboxLine: Encodable {
    var id: Int
    var messageId: String
    var kind: String
    var recipients: [String]
    var state: OutboxMessage.State
    var attempts: Int
    var nextAttemptAt: Date?
    var lastError: String?
    var createdAt: Date
    var sentAt: Date?

    init(_ message: OutboxMessage) {
        (id, messageId, kind, recipients, state, attempts) = (
            message.id, message.messageId, message.kind.rawValue, message.recipients, message.state, message.attempts
        )
        nextAttemptAt = message.state == .retrying ? message.nextAttemptAt : nil
        (lastError, createdAt, sentAt) = (message.lastError, message.createdAt, message.sentAt)
    }
}
