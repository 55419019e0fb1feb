import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    func insertRawMail(sha256: String, content: [UInt8], at: Date) async throws {
        try await db.insert(into: "mail_raw").columns("sha256", "size", "content", "received_at")
            .values(SQLBind(sha256), SQLBind(content.count), SQLBind(Data(content)), SQLBind(at.storedMilliseconds))
            .ignoringConflicts(with: ["sha256"]).run()
    }

    func rawMail(sha256: String) async throws -> [UInt8]? {
        try await db.select().column("content").from("mail_raw").where("sha256", .equal, sha256).first()
            .map { [UInt8](try $0.decode(column: "content", as: Data.self)) }
    }

    private static func inbound(_ row: any SQLRow) throws -> InboundMail {
        let r = SQLStoredRow(row: row)
        let outcome = try r.required(r.text("outcome"), "outcome")
        return InboundMail(
            id: try r.required(r.int("id"), "id"), sha256: try r.required(r.text("sha256"), "sha256"), sender: try r.text("sender"),
            subject: try r.text("subject") ?? "",
            outcome: try InboundMail.Outcome(rawValue: outcome).orThrow(CoordinatorError(.storage, "unknown mail outcome \(outcome)")),
            detail: try r.text("detail") ?? "", ticketId: try r.int("ticket_id"),
            receivedAt: try r.required(r.time("received_at"), "received_at"))
    }

    func inboundMail(dedupeKey: String) async throws -> InboundMail? {
        try await db.select().column("*").from("mail_inbound").where("dedupe_key", .equal, dedupeKey).first().map(Self.inbound)
    }

    func inboundMail(id: Int) async throws -> InboundMail? {
        try await db.select().column("*").from("mail_inbound").where("id", .equal, id).first().map(Self.inbound)
    }

    func insertInboundMail(_ mail: InboundMail, dedupeKey: String) async throws -> InboundMail {
        let id = try await db.insert(into: "mail_inbound")
            .columns("dedupe_key", "sha256", "sender", "subject", "outcome", "detail", "ticket_id", "received_at")
            .values(
                SQLBind(dedupeKey), SQLBind(mail.sha256), StoredValue.text(mail.sender).sql, SQLBind(mail.subject),
                SQLBind(mail.outcome.rawValue), SQLBind(mail.detail), StoredValue.int(mail.ticketId).sql,
                SQLBind(mail.receivedAt.storedMilliseconds)
            )
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into mail_inbound returned no id") }
        var stored = mail
        stored.id = id
        return stored
    }

    func updateInboundMail(_ mail: InboundMail) async throws {
        try await db.update("mail_inbound").set("outcome", to: mail.outcome.rawValue).set("detail", to: mail.detail)
            .set("ticket_id", to: StoredValue.int(mail.ticketId).sql).where("id", .equal, mail.id).run()
    }

    func inboundMails(outcome: InboundMail.Outcome, before: Int?, limit: Int) async throws -> [InboundMail] {
        let query = db.select().column("*").from("mail_inbound").where("outcome", .equal, outcome.rawValue)
        if let before { query.where("id", .lessThan, before) }
        return try await query.orderBy("id", .descending).limit(limit).all().map(Self.inbound)
    }

    func insertFile(sha256: String, content: [UInt8], at: Date) async throws {
        try await db.insert(into: "files").columns("sha256", "size", "content", "created_at")
            .values(SQLBind(sha256), SQLBind(content.count), SQLBind(Data(content)), SQLBind(at.storedMilliseconds))
            .ignoringConflicts(with: ["sha256"]).run()
    }

    func file(sha256: String) async throws -> [UInt8]? {
        try await db.select().column("content").from("files").where("sha256", .equal, sha256).first()
            .map { [UInt8](try $0.decode(column: "content", as: Data.self)) }
    }

    func contacts(withEmail address: String) async throws -> [Contact] {
        try await db.select().column("*").from("contacts")
            .where(SQLFunction("lower", args: SQLIdentifier("email")), .equal, SQLBind(address.lowercased()))
            .orderBy("id").all().map(Self.record)
    }

    func customers(withMailDomain domain: String) async throws -> [Customer] {
        // The JSON array holds validated domains (no % or _), so a quoted LIKE matches one whole element.
        try await db.select().column("*").from("customers").where("mail_domains", .like, SQLBind("%\"\(domain.lowercased())\"%"))
            .orderBy("id").all().map(Self.record)
    }

    func setUndeliverable(_ reason: String?, email: String) async throws -> Int {
        let rows = try await db.update("contacts").set("undeliverable", to: StoredValue.text(reason).sql)
            .where(SQLFunction("lower", args: SQLIdentifier("email")), .equal, SQLBind(email.lowercased()))
            .returning("id").all()
        return rows.count
    }

    private static let outboxColumns = [
        "id", "ticket_id", "event_id", "message_id", "kind", "envelope_from", "recipients", "state", "attempts",
        "next_attempt_at", "lease_holder", "lease_until", "last_error", "created_at", "sent_at",
    ]

    private static func outbox(_ row: any SQLRow, content: Bool) throws -> OutboxMessage {
        let r = SQLStoredRow(row: row)
        let state = try r.required(r.text("state"), "state")
        let kind = try r.required(r.text("kind"), "kind")
        return OutboxMessage(
            id: try r.required(r.int("id"), "id"), ticketId: try r.int("ticket_id"),
            eventId: try r.int("event_id"),
            messageId: try r.required(r.text("message_id"), "message_id"),
            kind: try OutboxMessage.Kind(rawValue: kind).orThrow(CoordinatorError(.storage, "unknown outbox kind \(kind)")),
            envelopeFrom: try r.text("envelope_from") ?? "", recipients: try r.json("recipients", as: [String].self),
            content: content ? [UInt8](try row.decode(column: "content", as: Data.self)) : [],
            state: try OutboxMessage.State(rawValue: state).orThrow(CoordinatorError(.storage, "unknown outbox state \(state)")),
            attempts: try r.int("attempts") ?? 0, nextAttemptAt: try r.required(r.time("next_attempt_at"), "next_attempt_at"),
            leaseHolder: try r.text("lease_holder"), leaseUntil: try r.time("lease_until"), lastError: try r.text("last_error"),
            createdAt: try r.required(r.time("created_at"), "created_at"), sentAt: try r.time("sent_at"))
    }

    private static func changing(_ message: OutboxMessage) -> [(String, StoredValue)] {
        [
            ("state", .text(message.state.rawValue)), ("attempts", .int(message.attempts)),
            ("next_attempt_at", .time(message.nextAttemptAt)),
            ("lease_holder", .text(message.leaseHolder)), ("lease_until", .time(message.leaseUntil)),
            ("last_error", .text(message.lastError)),
            ("sent_at", .time(message.sentAt)),
        ]
    }

    func insertOutbox(_ message: OutboxMessage) async throws -> OutboxMessage {
        let values: [(String, StoredValue)] =
            [
                ("ticket_id", .int(message.ticketId)), ("event_id", .int(message.eventId)), ("message_id", .text(message.messageId)),
                ("kind", .text(message.kind.rawValue)), ("envelope_from", .text(message.envelopeFrom)),
                ("recipients", .json(message.recipients)),
                ("created_at", .time(message.createdAt)),
            ] + Self.changing(message)
        let id = try await db.insert(into: "outbox").columns(values.map(\.0) + ["content"])
            .values(values.map(\.1.sql) + [SQLBind(Data(message.content))])
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into outbox returned no id") }
        var stored = message
        stored.id = id
        return stored
    }

    func outbox(ticketId: Int) async throws -> [OutboxMessage] {
        try await db.select().columns(Self.outboxColumns.map { SQLIdentifier($0) }).from("outbox").where("ticket_id", .equal, ticketId)
            .orderBy("id").all().map { try Self.outbox($0, content: false) }
    }

    func outbox(id: Int) async throws -> OutboxMessage? {
        try await db.select().column("*").from("outbox").where("id", .equal, id).first().map { try Self.outbox($0, content: true) }
    }

    func dueOutbox(at now: Date, limit: Int) async throws -> [OutboxMessage] {
        let at = SQLBind(now.storedMilliseconds)
        return try await db.select().column("*").from("outbox")
            .where { due in
                due.where("state", .in, SQLBind.group([OutboxMessage.State.queued.rawValue, OutboxMessage.State.retrying.rawValue]))
                    .where("next_attempt_at", .lessThanOrEqual, at)
                    .orWhere { lapsed in
                        lapsed.where("state", .equal, OutboxMessage.State.sending.rawValue).where("lease_until", .lessThan, at)
                    }
            }
            .orderBy("id").limit(limit).all().map { try Self.outbox($0, content: true) }
    }

    func updateOutbox(_ message: OutboxMessage, ifState state: OutboxMessage.State, holder: String?) async throws -> Bool {
        let update = db.update("outbox")
        for (column, value) in Self.changing(message) { update.set(SQLIdentifier(column), to: value.sql) }
        update.where("id", .equal, message.id).where("state", .equal, state.rawValue)
        if let holder { update.where("lease_holder", .equal, holder) } else { update.where("lease_holder", .is, SQLLiteral.null) }
        return try await update.returning("id").first() != nil
    }

    func lastAutomaticMail(ticketId: Int, recipient: String) async throws -> Date? {
        let rows = try await db.select().columns("recipients", "created_at").from("outbox").where("ticket_id", .equal, ticketId)
            .where("kind", .notEqual, OutboxMessage.Kind.reply.rawValue).orderBy("id", .descending).limit(50).all()
        for row in rows {
            let r = SQLStoredRow(row: row)
            if try r.json("recipients", as: [String].self).contains(where: { $0.lowercased() == recipient.lowercased() }) {
                return try r.time("created_at")
            }
        }
        return nil
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
