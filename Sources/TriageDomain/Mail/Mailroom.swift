import Crypto
import Foundation

/// Mail in (docs/mail.md): each message kept raw first, then read and filed — on the ticket it
/// answers, as a new ticket of the customer whose contact wrote it, as a note when automatic, or
/// held for the desk. The same message delivered twice is filed once.
public struct Mailroom: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Mail lands on tickets, through the ticket desk.
    public typealias Storage = TicketDesk.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// What the MTA told the mailgate: the envelope sender (empty for bounces) and recipient.
    public struct Envelope: Sendable, Equatable {
        public var sender: String?
        public var recipient: String?

        public init(sender: String? = nil, recipient: String? = nil) {
            self.sender = sender
            self.recipient = recipient
        }
    }

    package var policy: MailPolicy { core.mail }

    /// Keeps `raw`, then files it; a message filed before (same Message-ID) answers as it did then.
    public func receive(_ raw: [UInt8], envelope: Envelope, by principal: Principal) async throws -> InboundMail {
        try Access.postMail(principal)
        let sha = SHA256.hash(data: raw).hex
        let at = now()
        try await write { try await $0.insertRawMail(sha256: sha, content: raw, at: at) }
        let message: MailMessage
        do {
            message = try MailParser.parse(raw)
        } catch {
            let rejected = InboundMail(
                id: 0, sha256: sha, sender: envelope.sender, subject: "", outcome: .rejected, detail: error.reason,
                ticketId: nil, receivedAt: at)
            _ = try await write { session in
                if try await session.inboundMail(dedupeKey: "sha:\(sha)") == nil {
                    _ = try await session.insertInboundMail(rejected, dedupeKey: "sha:\(sha)")
                }
            }
            throw CoordinatorError.invalid("message", "not a mail message: \(error.reason)")
        }
        let key = message.messageId.map { "mid:\($0)" } ?? "sha:\(sha)"
        return try await write { session in
            if let earlier = try await session.inboundMail(dedupeKey: key) { return earlier }
            let filed = try await file(message, raw: raw, sha: sha, envelope: envelope, at: at, in: session)
            return try await session.insertInboundMail(filed, dedupeKey: key)
        }
    }

    /// The instances' shared key for signed Message-IDs and plus-addresses, read in the caller's transaction.
    package func threading(in session: Records) async throws -> MailThreading {
        let key = try await secrets.value("mail-threading") { candidate in
            try sealer.open(try await session.serverSecret(named: "mail-threading", orNew: try sealer.seal(candidate)))
        }
        return MailThreading(key: SymmetricKey(data: Data(key.utf8)), address: policy.address ?? "support@triage.invalid")
    }

    private func file(
        _ message: MailMessage, raw: [UInt8], sha: String, envelope: Envelope, at: Date,
        in session: Records
    ) async throws -> InboundMail {
        let threading = try await threading(in: session)
        let sender = message.from?.address ?? envelope.sender ?? ""
        var result = InboundMail(
            id: 0, sha256: sha, sender: sender, subject: message.subject, outcome: .ignored, detail: "",
            ticketId: nil, receivedAt: at)
        let automatic = MailThreading.automatic(message, envelopeSender: envelope.sender, ownAddress: policy.address)
        let (found, how, related) = try await thread(
            message, raw: raw, sender: sender, envelope: envelope, threading: threading, in: session)
        // A bounce marks an address only when it returns a message of ours (it threads): a report
        // anyone can forge must not silence a customer's contact.
        if let report = message.deliveryReport, found != nil {
            for failed in report where failed.status?.hasPrefix("5") == true {
                _ = try await session.setUndeliverable("\(failed.status ?? "5.0.0") on \(InternetTime.format(at))", email: failed.recipient)
            }
        }
        if var ticket = found {
            // Files are kept for what lands on a ticket (quarantined mail keeps its files in its raw copy).
            let (kept, oversize) = try await keepFiles(message.attachments, at: at, in: session)
            let payload = Self.received(message, sender: sender, sha: sha, attachments: kept, automatic: automatic, relatedTo: related)
            var events: [NewEvent] = []
            if automatic == nil, !ticket.status.isOpen {
                let since = ticket.resolvedAt ?? ticket.closedAt ?? at
                if at.timeIntervalSince(since) > Double(policy.reopenWithinDays) * 86_400 {
                    // Too old to reopen: a new ticket that names it.
                    return try await open(
                        message, sha: sha, relatedTo: ticket.id, sender: sender, result: result,
                        detail: "ticket \(ticket.id) was closed more than \(policy.reopenWithinDays) days ago", in: session)
                }
                events.append(try await desk.reopen(&ticket, reason: "the customer wrote by mail", at: at, in: session))
            } else if automatic == nil, ticket.status == .waitingCustomer {
                let next: TicketStatus = ticket.assigneeId == nil ? .waitingCustomer : .inProgress
                if next != ticket.status {
                    events.append(
                        NewEvent(.statusChanged(StatusChange(from: ticket.status, to: next, reason: "the customer answered by mail"))))
                    ticket.status = next
                }
            }
            events.insert(NewEvent(.mailReceived(payload)), at: 0)
            try await desk.save(&ticket, events: events, actor: .system(.mail), at: at, in: session)
            result.outcome = .appended
            result.ticketId = ticket.id
            result.detail = (automatic.map { "automatic mail (\($0)) kept as a note; " } ?? "") + how
            if automatic == nil, !oversize.isEmpty {
                try await tellOversize(oversize, ticket: ticket, to: sender, answering: message.messageId, at: at, in: session)
            }
            return result
        }
        if let automatic {
            result.detail = "automatic mail (\(automatic)) about no ticket: kept, not answered"
            return result
        }
        return try await open(message, sha: sha, relatedTo: related, sender: sender, result: result, detail: how, in: session)
    }

    /// The ticket a message answers, how it was found, and a ticket it names without the right to write to it.
    private func thread(
        _ message: MailMessage, raw: [UInt8], sender: String, envelope: Envelope, threading: MailThreading,
        in session: Records
    ) async throws -> (Ticket?, String, Int?) {
        for id in MailThreading.referencedIds(message) {
            if let number = threading.ticket(fromMessageId: id), let ticket = try await survivor(number, in: session) {
                return (ticket, "threaded by its reference to our message <\(id)>", nil)
            }
        }
        let addresses =
            [envelope.recipient].compactMap { $0 } + message.headers(named: "Delivered-To")
            + (message.to + message.cc).map(\.address)
        for address in addresses {
            if let number = threading.ticket(fromAddress: address), let ticket = try await survivor(number, in: session) {
                return (ticket, "threaded by the reply address \(address)", nil)
            }
        }
        if message.deliveryReport != nil || sender.isEmpty {
            for number in threading.tickets(quotedIn: raw) {
                if let ticket = try await survivor(number, in: session) { return (ticket, "threaded by the returned message", nil) }
            }
        }
        if let number = MailThreading.ticket(fromSubject: message.subject), let ticket = try await survivor(number, in: session) {
            let known = try await session.contacts(withEmail: sender).contains { $0.fields.customerId == ticket.customerId }
            if known, ticket.customerId != nil {
                return (ticket, "threaded by the subject's tag: the sender is a contact of its customer", nil)
            }
            return (nil, "the subject names ticket \(number), but \(sender) is not a contact of its customer", number)
        }
        return (nil, "a new conversation", nil)
    }

    /// Ticket `number`, or the ticket it was merged into (and so on): mail to a merged duplicate
    /// threads to its survivor.
    private func survivor(_ number: Int, in session: Records) async throws -> Ticket? {
        var ticket = try await session.ticket(number)
        for _ in 0..<10 {
            guard let next = ticket?.mergedInto else { break }
            ticket = try await session.ticket(next)
        }
        return ticket
    }

    /// A new ticket for the customer whose contact wrote, or the configured one; else quarantine.
    private func open(
        _ message: MailMessage, sha: String, relatedTo: Int?, sender: String, result: InboundMail,
        detail: String, in session: Records
    ) async throws -> InboundMail {
        var result = result
        let at = result.receivedAt
        var requester = try await session.contacts(withEmail: sender).first
        var how = detail
        if requester == nil, Validate.isAddress(sender) {
            let name = message.from?.name.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) } ?? sender
            let domain = String(sender.split(separator: "@").last ?? "").lowercased()
            let owners = try await session.customers(withMailDomain: domain)
            if owners.count == 1 {
                requester = try await session.insert(ContactFields(customerId: owners[0].id, name: name, email: sender), at: at)
                how = "\(sender) is a new contact of \(owners[0].fields.name), whose verified mail domain is \(domain)"
            } else if let customerId = policy.unknownSenderCustomer, try await session.exists(.customer, customerId) {
                requester = try await session.insert(ContactFields(customerId: customerId, name: name, email: sender), at: at)
                how = "\(sender) is no customer's contact: a new contact of the customer for unknown senders"
            }
        }
        guard let requester else {
            result.outcome = .quarantined
            result.detail = "\(sender) is no customer's contact: held for the desk (\(detail))"
            return result
        }
        let cc = (message.to + message.cc).map(\.address).filter {
            $0.lowercased() != sender.lowercased() && !MailThreading.isOwn($0, desk: policy.address ?? "") && Validate.isAddress($0)
        }
        let subject = message.subject.trimmingCharacters(in: .whitespaces)
        var input = TicketInput(
            title: String((subject.isEmpty ? "(no subject)" : subject).prefix(200)), channel: .email,
            customerId: requester.fields.customerId, description: String(message.text.prefix(100_000)))
        input.requesterId = requester.id
        input.cc = Array(cc.prefix(20))
        let (kept, oversize) = try await keepFiles(message.attachments, at: at, in: session)
        let payload = Self.received(message, sender: sender, sha: sha, attachments: kept, automatic: nil, relatedTo: relatedTo)
        let ticket = try await desk.newTicket(input, actor: .system(.mail), opening: [NewEvent(.mailReceived(payload))], in: session)
        result.outcome = .opened
        result.ticketId = ticket.id
        result.detail = how
        if policy.acknowledge {
            try await acknowledge(ticket, to: sender, answering: message.messageId, oversize: oversize, at: at, in: session)
        }
        return result
    }

    /// A message as its history entry holds it.
    package static func received(
        _ message: MailMessage, sender: String, sha: String, attachments: [Attachment], automatic: String?,
        relatedTo: Int?
    ) -> MailReceived {
        MailReceived(
            from: sender, fromName: message.from?.name, to: message.to.map(\.address), cc: message.cc.map(\.address),
            subject: message.subject, body: String(message.text.prefix(100_000)), messageId: message.messageId,
            attachments: attachments, automatic: automatic, relatedTo: relatedTo, fromHTML: message.htmlOnly ? true : nil, raw: sha)
    }

    /// Each part kept by its SHA-256 up to the cap; above it, only described.
    package func keepFiles(_ parts: [MailPart], at: Date, in session: Records) async throws -> (kept: [Attachment], oversize: [Attachment])
    {
        var kept: [Attachment] = []
        var oversize: [Attachment] = []
        for part in parts {
            let sha = SHA256.hash(data: part.data).hex
            var attachment = Attachment(
                name: String(part.filename.prefix(255)), contentType: part.contentType, size: part.data.count, sha256: sha)
            if part.data.count <= policy.maxAttachmentBytes {
                try await session.insertFile(sha256: sha, content: part.data, at: at)
            } else {
                attachment.stored = false
                oversize.append(attachment)
            }
            kept.append(attachment)
        }
        return (kept, oversize)
    }
}
