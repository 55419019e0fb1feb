import Foundation

/// Mail out (docs/mail.md, "Email out"): a message is rendered once, with a stable Message-ID,
/// into the outbox in the transaction that wrote the reply; `deliverDue` sends what is due, each
/// message taken under a lease by one instance (compare and set), retried with back-off.
extension Mailroom {
    /// Queues a public reply to the ticket's requester and CCs; nil when it goes nowhere (mail
    /// is off, or the ticket has nobody to write to). Call before the comment event is written:
    /// its `MailSent` goes in the event; `enqueue` then stores the message with the event's id.
    package func prepareReply(
        _ ticket: Ticket, body: String, attachments: [Attachment], author: String,
        in session: Records
    ) async throws -> (MailSent, OutboxMessage)? {
        guard let address = policy.address else { return nil }
        let (to, cc, requester) = try await desk.recipients(of: ticket, in: session)
        guard !to.isEmpty || !cc.isEmpty else { return nil }
        let threading = try await threading(in: session)
        // The thread in the order it was written: people's mail and our replies; automatic mail
        // (an out-of-office, a bounce) is no message to answer.
        var thread: [String] = []
        var lastFromCustomer: String?
        for event in try await session.events(ticketIds: [ticket.id], kinds: [.mailReceived, .comment]) {
            switch event.entry {
            case .mailReceived(let mail)? where mail.automatic == nil:
                if let id = mail.messageId { (lastFromCustomer, thread) = (id, thread + [id]) }
            case .comment(let comment)?:
                if let id = comment.mail?.messageId { thread.append(id) }
            default: continue
            }
        }
        var files: [MailPart] = []
        for attachment in attachments where attachment.stored {
            guard let data = try await session.file(sha256: attachment.sha256) else { continue }
            files.append(MailPart(filename: attachment.name, contentType: attachment.contentType, data: data))
        }
        let messageId = threading.messageId(ticket: ticket.id)
        let mail = OutgoingMail(
            from: MailAddress(name: "\(author) (\(policy.name))", address: address),
            to: to.map { MailAddress(name: requester?.fields.name, address: $0) }, cc: cc.map { MailAddress(name: nil, address: $0) },
            subject: MailThreading.replySubject(ticket.title, ticket: ticket.id), text: body, messageId: messageId,
            inReplyTo: lastFromCustomer, references: Array(thread.suffix(20)), date: now(),
            extraHeaders: [("Reply-To", threading.replyAddress(ticket: ticket.id))], attachments: files)
        let sent = MailSent(messageId: messageId, to: to, cc: cc)
        return (sent, outboxMessage(mail, ticket: ticket.id, kind: .reply, recipients: to + cc))
    }

    package func enqueue(_ message: OutboxMessage, eventId: Int?, in session: Records) async throws {
        var message = message
        message.eventId = eventId
        _ = try await session.insertOutbox(message)
    }

    /// The number of a new ticket from mail, to its sender: automatic, so at most one per
    /// `automaticMailMinutes` to one address about one ticket.
    package func acknowledge(
        _ ticket: Ticket, to sender: String, answering messageId: String?, oversize: [Attachment], at: Date,
        in session: Records
    ) async throws {
        var text =
            "We have your message and opened ticket #\(ticket.id): “\(ticket.title)”.\n"
            + "Reply to this mail to add to it; keep \(MailThreading.subjectTag(ticket.id)) in the subject.\n"
        text += oversizeLines(oversize)
        try await queueAutomatic(
            ticket, to: sender, subject: "\(MailThreading.subjectTag(ticket.id)) \(ticket.title)", text: text,
            answering: messageId, at: at, in: session)
    }

    /// Tells a sender once which of their files were over the size cap.
    package func tellOversize(
        _ oversize: [Attachment], ticket: Ticket, to sender: String, answering messageId: String?, at: Date,
        in session: Records
    ) async throws {
        try await queueAutomatic(
            ticket, to: sender, subject: "Files not kept \(MailThreading.subjectTag(ticket.id))",
            text: "Your message was added to ticket #\(ticket.id).\n" + oversizeLines(oversize), answering: messageId,
            at: at, in: session)
    }

    private func oversizeLines(_ oversize: [Attachment]) -> String {
        guard !oversize.isEmpty else { return "" }
        return "\nThese files were larger than \(policy.maxAttachmentBytes >> 20) MiB and were not kept; send them another way:\n"
            + oversize.map { "- \($0.name) (\($0.size >> 20) MiB, SHA-256 \($0.sha256))\n" }.joined()
    }

    private func queueAutomatic(
        _ ticket: Ticket, to recipient: String, subject: String, text: String, answering messageId: String?,
        at: Date, in session: Records
    ) async throws {
        guard let address = policy.address, Validate.isAddress(recipient) else { return }
        if let last = try await session.lastAutomaticMail(ticketId: ticket.id, recipient: recipient),
            at.timeIntervalSince(last) < Double(policy.automaticMailMinutes) * 60
        {
            return
        }
        let threading = try await threading(in: session)
        let mail = OutgoingMail(
            from: MailAddress(name: policy.name, address: address), to: [MailAddress(name: nil, address: recipient)], cc: [],
            subject: subject, text: text, messageId: threading.messageId(ticket: ticket.id), inReplyTo: messageId,
            references: messageId.map { [$0] } ?? [], date: at,
            extraHeaders: [("Auto-Submitted", "auto-replied"), ("Reply-To", threading.replyAddress(ticket: ticket.id))], attachments: [])
        _ = try await session.insertOutbox(outboxMessage(mail, ticket: ticket.id, kind: .acknowledgement, recipients: [recipient]))
    }

    /// A notification's mail (docs/notifications.md), sent like the rest of the outbox.
    package func notificationMessage(_ mail: OutgoingMail) -> OutboxMessage {
        outboxMessage(mail, ticket: nil, kind: .notification, recipients: mail.to.map(\.address))
    }

    private func outboxMessage(_ mail: OutgoingMail, ticket: Int?, kind: OutboxMessage.Kind, recipients: [String]) -> OutboxMessage {
        let at = now()
        return OutboxMessage(
            id: 0, ticketId: ticket, eventId: nil, messageId: mail.messageId, kind: kind, envelopeFrom: mail.from.address,
            recipients: recipients, content: mail.rendered(), state: .queued, attempts: 0, nextAttemptAt: at,
            leaseHolder: nil, leaseUntil: nil, lastError: nil, createdAt: at, sentAt: nil)
    }

    /// Sends what is due through `transport`: each message taken under a lease of `leaseSeconds`
    /// (longer than a send can take), so two instances never send one at once. Returns the ids sent.
    public func deliverDue(through transport: any MailTransport, holder: String, leaseSeconds: Double = 300) async throws -> [Int] {
        let due = try await read { try await $0.dueOutbox(at: now(), limit: 20) }
        var sent: [Int] = []
        for message in due {
            var taken = message
            let at = now()
            (taken.state, taken.leaseHolder, taken.leaseUntil, taken.attempts) = (
                .sending, holder, at.addingTimeInterval(leaseSeconds), message.attempts + 1
            )
            let claim = taken
            guard try await write({ try await $0.updateOutbox(claim, ifState: message.state, holder: message.leaseHolder) }) else {
                continue
            }
            var done = taken
            (done.leaseHolder, done.leaseUntil) = (nil, nil)
            do {
                let refused = try await transport.send(message.content, from: message.envelopeFrom, to: message.recipients)
                (done.state, done.sentAt) = (.sent, now())
                done.lastError = refused.isEmpty ? nil : "not delivered to: " + refused.joined(separator: "; ")
                sent.append(message.id)
            } catch {
                done.lastError = error.description
                let next = now().addingTimeInterval(policy.retryDelay(afterAttempt: done.attempts))
                let expired = next.timeIntervalSince(message.createdAt) > Double(policy.giveUpAfterHours) * 3600
                if case .transient = error, !expired {
                    (done.state, done.nextAttemptAt) = (.retrying, next)
                } else {
                    done.state = .failed
                    if case .transient = error { done.lastError = "gave up after \(policy.giveUpAfterHours) h: \(error.description)" }
                }
            }
            let finished = done
            let doneAt = now()
            try await write { session in
                guard try await session.updateOutbox(finished, ifState: .sending, holder: holder), finished.state != .retrying,
                    let ticketId = finished.ticketId
                else { return }
                // Sent or given up: the ticket says so (and its open pages hear it).
                let delivery = MailDelivery(
                    messageId: finished.messageId, recipients: finished.recipients, state: finished.state,
                    attempts: finished.attempts, error: finished.state == .failed ? finished.lastError : nil,
                    refused: finished.state == .sent ? finished.lastError.map { [$0] } : nil)
                try await desk.append(
                    [NewEvent(.mailDelivery(delivery))], toTicket: ticketId, actor: .system(.mail), at: doneAt, in: session)
            }
        }
        return sent
    }

    /// Whether public replies are mailed (`mail.address` is set).
    public var sends: Bool { policy.address != nil }

    /// The messages of a ticket and where each stands.
    public func outbox(ticket id: Int, by principal: Principal) async throws -> [OutboxMessage] {
        try Access.readAll(principal)
        return try await read { try await $0.outbox(ticketId: id) }
    }
}
