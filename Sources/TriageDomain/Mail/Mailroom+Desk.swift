import Foundation

/// What the desk does with mail: the quarantine (senders no customer knows), and the files of
/// a ticket's messages.
extension Mailroom {
    /// Messages held for the desk, newest first.
    public func quarantine(before: Int?, limit: Int, by principal: Principal) async throws -> [InboundMail] {
        try Access.dispatch(principal)
        return try await read { try await $0.inboundMails(outcome: .quarantined, before: before, limit: limit) }
    }

    /// A held message as the desk reads it before deciding: who wrote, the start of the text, the files' names.
    public struct HeldMail: Sendable {
        public var mail: InboundMail
        public var fromName: String?
        public var excerpt: String
        public var files: [String]
    }

    /// The held messages with their text, newest first.
    public func quarantineToRead(limit: Int, by principal: Principal) async throws -> [HeldMail] {
        try Access.dispatch(principal)
        let held = try await read { session in
            var raws: [(InboundMail, [UInt8])] = []
            for mail in try await session.inboundMails(outcome: .quarantined, before: nil, limit: limit) {
                raws.append((mail, try await session.rawMail(sha256: mail.sha256) ?? []))
            }
            return raws
        }
        var read: [HeldMail] = []
        for (mail, raw) in held {
            let message = try? MailParser.parse(raw)
            let text = message?.text ?? ""
            read.append(
                HeldMail(
                    mail: mail, fromName: message?.from?.name, excerpt: text.count > 600 ? text.prefix(600) + "…" : text,
                    files: message?.attachments.map(\.filename) ?? []))
        }
        return read
    }

    /// Opens a ticket for `customerId` from a held message; its sender becomes a contact of that customer.
    public func release(_ id: Int, toCustomer customerId: Int, by principal: Principal, in session: Records) async throws -> InboundMail {
        try Access.dispatch(principal)
        var held = try await heldMail(id, in: session)
        guard try await session.exists(.customer, customerId) else {
            throw CoordinatorError.invalid("customerId", "customer \(customerId) does not exist")
        }
        guard let raw = try await session.rawMail(sha256: held.sha256) else {
            throw CoordinatorError(.storage, "the raw message \(held.sha256) is missing")
        }
        let message = try MailParser.parse(raw)
        let at = now()
        let sender = held.sender ?? ""
        var requester = try await session.contacts(withEmail: sender).first { $0.fields.customerId == customerId }
        if requester == nil {
            requester = try await session.insert(
                ContactFields(
                    customerId: customerId, name: message.from?.name ?? sender,
                    email: Validate.isAddress(sender) ? sender : nil), at: at)
        }
        var input = TicketInput(
            title: String((message.subject.isEmpty ? "(no subject)" : message.subject).prefix(200)), channel: .email,
            customerId: customerId, description: String(message.text.prefix(100_000)))
        input.requesterId = requester?.id
        let (kept, _) = try await keepFiles(message.attachments, at: at, in: session)
        let payload = Self.received(message, sender: sender, sha: held.sha256, attachments: kept, automatic: nil, relatedTo: nil)
        let ticket = try await desk.newTicket(input, actor: principal.actor, opening: [NewEvent(.mailReceived(payload))], in: session)
        held.outcome = .released
        held.ticketId = ticket.id
        held.detail = "released by \(principal.actor) to customer \(customerId) as ticket \(ticket.id)"
        try await session.updateInboundMail(held)
        return held
    }

    /// Drops a held message from the quarantine (its raw copy stays).
    public func discard(_ id: Int, by principal: Principal, in session: Records) async throws -> InboundMail {
        try Access.dispatch(principal)
        var held = try await heldMail(id, in: session)
        held.outcome = .discarded
        held.detail = "discarded by \(principal.actor)"
        try await session.updateInboundMail(held)
        return held
    }

    private func heldMail(_ id: Int, in session: Records) async throws -> InboundMail {
        guard let held = try await session.inboundMail(id: id) else { throw CoordinatorError.notFound("held message", id) }
        guard held.outcome == .quarantined else {
            throw CoordinatorError(.conflict, "message \(id) is not held: it was \(held.outcome.rawValue)")
        }
        return held
    }

    /// A file of one of the ticket's messages: only what the ticket's history names, for those who may read the ticket.
    public func file(_ sha256: String, ofTicket id: Int, by principal: Principal) async throws -> (Attachment, [UInt8]) {
        try Access.readAll(principal)
        return try await read { session in
            guard try await session.ticket(id) != nil else { throw CoordinatorError.notFound("ticket", id) }
            let events = try await session.events(ticketIds: [id], kinds: [.comment, .mailReceived])
            let named = events.lazy.flatMap { event -> [Attachment] in
                switch event.entry {
                case .comment(let comment)?: comment.attachments ?? []
                case .mailReceived(let mail)?: mail.attachments
                default: []
                }
            }.first { $0.sha256 == sha256 && $0.stored }
            guard let attachment = named, let bytes = try await session.file(sha256: sha256) else {
                throw CoordinatorError(.notFound, "ticket \(id) has no file \(sha256)")
            }
            return (attachment, bytes)
        }
    }
}
