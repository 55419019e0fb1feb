import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static func values(of ticket: Ticket) -> [(String, StoredValue)] {
        [
            ("title", .text(ticket.title)), ("description", .text(ticket.description)),
            ("customer_id", .int(ticket.customerId)), ("host_id", .int(ticket.hostId)),
            ("severity", .int(ticket.severity)), ("tier", .int(ticket.tier)), ("status", .text(ticket.status.rawValue)),
            ("channel", .text(ticket.channel.rawValue)), ("assignee_id", .int(ticket.assigneeId)),
            ("assigned_at", .time(ticket.assignedAt)), ("sla_sent", .int(ticket.slaSent.rawValue)),
            ("sla_next_at", .time(ticket.status.isOpen ? ticket.nextSLACheck : nil)),
            ("tags", .json(ticket.tags)), ("required_skills", .json(ticket.requiredSkills)),
            ("response_due_at", .time(ticket.responseDueAt)), ("resolve_due_at", .time(ticket.resolveDueAt)),
            ("response_warn_at", .time(ticket.responseWarnAt)), ("resolve_warn_at", .time(ticket.resolveWarnAt)),
            ("first_response_at", .time(ticket.firstResponseAt)), ("resolved_at", .time(ticket.resolvedAt)),
            ("closed_at", .time(ticket.closedAt)), ("onsite", .bool(ticket.flags.onsite)),
            ("onsite_reasons", .json(ticket.flags.onsiteReasons)),
            ("vendor_case", ticket.flags.vendorCase.map { .json($0) } ?? .text(nil)),
            ("vendor_suggestions", .json(ticket.flags.vendorSuggestions)),
            ("dedupe_key", .text(ticket.dedupeKey)), ("created_by", .text(ticket.createdBy.description)),
            ("created_at", .time(ticket.createdAt)), ("updated_at", .time(ticket.updatedAt)),
            ("requester_id", .int(ticket.requesterId)), ("cc", .json(ticket.cc)), ("merged_into", .int(ticket.mergedInto)),
        ]
    }

    static func ticket(_ row: any SQLRow) throws -> Ticket {
        let r = SQLStoredRow(row: row)
        func status(_ text: String?) throws -> TicketStatus {
            guard let text, let status = TicketStatus(rawValue: text) else {
                throw CoordinatorError(.storage, "unknown ticket status \(text ?? "NULL")")
            }
            return status
        }
        return Ticket(
            id: try r.required(r.int("id"), "id"),
            title: try r.required(r.text("title"), "title"),
            description: try r.text("description") ?? "",
            customerId: try r.int("customer_id"),
            hostId: try r.int("host_id"),
            severity: try r.required(r.int("severity"), "severity"),
            tier: try r.required(r.int("tier"), "tier"),
            status: try status(r.text("status")),
            channel: TicketChannel(rawValue: try r.text("channel") ?? "") ?? .api,
            assigneeId: try r.int("assignee_id"),
            assignedAt: try r.time("assigned_at"),
            tags: try r.json("tags", as: [String].self),
            requiredSkills: try r.json("required_skills", as: [String].self),
            responseDueAt: try r.required(r.time("response_due_at"), "response_due_at"),
            resolveDueAt: try r.required(r.time("resolve_due_at"), "resolve_due_at"),
            responseWarnAt: try r.time("response_warn_at") ?? r.required(r.time("response_due_at"), "response_due_at"),
            resolveWarnAt: try r.time("resolve_warn_at") ?? r.required(r.time("resolve_due_at"), "resolve_due_at"),
            slaSent: SLASent(rawValue: try r.int("sla_sent") ?? 0),
            firstResponseAt: try r.time("first_response_at"),
            resolvedAt: try r.time("resolved_at"),
            closedAt: try r.time("closed_at"),
            flags: TicketFlags(
                onsite: try r.bool("onsite"),
                onsiteReasons: try r.json("onsite_reasons", as: [String].self),
                vendorCase: try r.text("vendor_case") == nil ? nil : r.json("vendor_case", as: VendorCase.self),
                vendorSuggestions: try r.json("vendor_suggestions", as: [String].self)),
            dedupeKey: try r.text("dedupe_key"),
            createdBy: try r.actor("created_by"),
            createdAt: try r.required(r.time("created_at"), "created_at"),
            updatedAt: try r.required(r.time("updated_at"), "updated_at"),
            requesterId: try r.int("requester_id"),
            cc: try r.json("cc", as: [String].self),
            mergedInto: try r.int("merged_into"))
    }

    func insertTicket(_ ticket: Ticket) async throws -> Ticket {
        let values = Self.values(of: ticket)
        let id = try await db.insert(into: "tickets").columns(values.map(\.0)).values(values.map(\.1.sql))
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into tickets returned no id") }
        var stored = ticket
        stored.id = id
        try await updateWorkload(from: nil, to: stored)
        try await indexNew([SearchDocument.of(stored)])
        return stored
    }

    func updateTicket(_ ticket: Ticket) async throws {
        let before = try await db.select().columns("assignee_id", "status", "severity", "assigned_at", "title", "description", "tags")
            .column("customer_id").from("tickets").where("id", .equal, ticket.id).first().map { row in
                let r = SQLStoredRow(row: row)
                let share = WorkloadShare(
                    technicianId: try r.int("assignee_id"), open: TicketStatus(rawValue: try r.text("status") ?? "")?.isOpen ?? false,
                    severity: try r.int("severity") ?? 0, assignedAt: try r.time("assigned_at"))
                let words =
                    try r.text("title") != ticket.title || r.text("description") != ticket.description
                    || r.json("tags", as: [String].self) != ticket.tags || r.int("customer_id") != ticket.customerId
                return (share, words)
            }
        try await updateWorkload(from: before?.0, to: ticket)
        var update = db.update("tickets")
        for (column, value) in Self.values(of: ticket) { update = update.set(SQLIdentifier(column), to: value.sql) }
        try await update.where("id", .equal, ticket.id).run()
        if before?.1 != false { try await index(SearchDocument.of(ticket)) }
    }

    func ticket(_ id: Int) async throws -> Ticket? {
        try await db.select().column("*").from("tickets").where("id", .equal, id).first().map(Self.ticket)
    }

    func tickets(ids: [Int]) async throws -> [Ticket] {
        guard !ids.isEmpty else { return [] }
        return try await db.select().column("*").from("tickets").where("id", .in, ids).orderBy("id").all().map(Self.ticket)
    }

    func tickets(_ filter: TicketFilter, before: Int?, limit: Int) async throws -> [Ticket] {
        let query = Self.matching(filter, db.select().column("*").from("tickets"))
        if let before { query.where("id", .lessThan, before) }
        return try await query.orderBy("id", .descending).limit(limit).all().map(Self.ticket)
    }

    func queue(_ filter: TicketFilter, order: QueueOrder, offset: Int, limit: Int) async throws -> [Ticket] {
        let query = Self.matching(filter, db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("tickets"))).from("tickets"))
        let key: any SQLExpression
        switch order.column {
        case .due: key = Self.due
        case .id: key = SQLColumn("id", table: "tickets")
        case .title: key = SQLFunction("lower", args: SQLColumn("title", table: "tickets"))
        case .severity: key = SQLColumn("severity", table: "tickets")
        case .status:
            // Statuses in the order a ticket lives them; the names are this program's own.
            key = SQLRaw(
                "CASE tickets.status " + TicketStatus.allCases.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0) " }.joined() + "END")
        case .customer, .requester, .assignee:
            let (table, column) =
                order.column == .customer
                ? ("customers", "customer_id") : order.column == .requester ? ("contacts", "requester_id") : ("technicians", "assignee_id")
            query.join(
                SQLAlias(SQLIdentifier(table), as: SQLIdentifier("named")), method: SQLJoinMethod.left,
                on: SQLColumn("id", table: "named"), .equal, SQLColumn(column, table: "tickets"))
            key = SQLFunction("lower", args: SQLColumn("name", table: "named"))
        }
        let direction = order.descending ? SQLDirection.descending : SQLDirection.ascending
        // Tickets without a customer, requester or assignee last either way.
        if [.customer, .requester, .assignee].contains(order.column) {
            query.orderBy(
                SQLOrderBy(expression: SQLQueryString("CASE WHEN \(key) IS NULL THEN 1 ELSE 0 END"), direction: SQLDirection.ascending))
        }
        return try await query.orderBy(SQLOrderBy(expression: key, direction: direction))
            .orderBy(SQLOrderBy(expression: SQLColumn("id", table: "tickets"), direction: direction)).offset(offset).limit(limit).all()
            .map(Self.ticket)
    }

    /// The due time that matters now: respond until answered, then resolve.
    static let due = SQLRaw("CASE WHEN tickets.first_response_at IS NULL THEN tickets.response_due_at ELSE tickets.resolve_due_at END")

    /// The WHERE clauses of a ticket filter, shared by the list and the counts.
    private static func matching(_ filter: TicketFilter, _ query: SQLSelectBuilder) -> SQLSelectBuilder {
        let column = { (name: String) in SQLColumn(name, table: "tickets") }
        if !filter.statuses.isEmpty { query.where(column("status"), .in, SQLBind.group(filter.statuses.map(\.rawValue))) }
        if let severity = filter.severity { query.where(column("severity"), .equal, SQLBind(severity)) }
        if let most = filter.severityAtMost { query.where(column("severity"), .lessThanOrEqual, SQLBind(most)) }
        if let tier = filter.tier { query.where(column("tier"), .equal, SQLBind(tier)) }
        if let assignee = filter.assigneeId { query.where(column("assignee_id"), .equal, SQLBind(assignee)) }
        if filter.unassigned { query.where(column("assignee_id"), .is, SQLLiteral.null) }
        if let customer = filter.customerId { query.where(column("customer_id"), .equal, SQLBind(customer)) }
        if let host = filter.hostId { query.where(column("host_id"), .equal, SQLBind(host)) }
        if let requester = filter.requesterId { query.where(column("requester_id"), .equal, SQLBind(requester)) }
        if let onsite = filter.onsite { query.where(column("onsite"), .equal, SQLBind(onsite)) }
        if let channel = filter.channel { query.where(column("channel"), .equal, SQLBind(channel.rawValue)) }
        if let dueBefore = filter.dueBefore { query.where(due, .lessThan, SQLBind(dueBefore.storedMilliseconds)) }
        if let tag = filter.tag, let json = try? StoredJSON.encoder.encode(tag) {
            // The tags are a JSON array of strings: the tag as JSON, quotes and all, is in it.
            query.where(
                SQLQueryString("\(column("tags")) LIKE \(bind: "%" + likeEscaped(String(decoding: json, as: UTF8.self)) + "%") ESCAPE '\\'")
            )
        }
        // Each word in the title, in any order: "printer floor" finds "Floor 2 printer".
        for word in (filter.text ?? "").lowercased().split(whereSeparator: \.isWhitespace) {
            query.where(SQLQueryString("lower(\(column("title"))) LIKE \(bind: "%\(likeEscaped(String(word)))%") ESCAPE '\\'"))
        }
        return query
    }

    private static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
            of: "_", with: "\\_")
    }

    func ticketsWithSLACheckDue(at now: Date, statuses: Set<TicketStatus>, after: Int, limit: Int) async throws -> [Ticket] {
        try await db.select().column("*").from("tickets")
            .where("sla_next_at", .lessThanOrEqual, now.storedMilliseconds)
            .where("status", .in, statuses.map(\.rawValue).sorted())
            .where("id", .greaterThan, after)
            .orderBy("id").limit(limit).all().map(Self.ticket)
    }

    func ticketCountsByStatus(_ filter: TicketFilter) async throws -> [TicketStatus: Int] {
        let query = db.select().column("status").column(SQLFunction("count", args: SQLLiteral.all), as: "n").from("tickets")
        let rows = try await Self.matching(filter, query).groupBy("status").all()
        var counts: [TicketStatus: Int] = [:]
        for row in rows {
            if let status = TicketStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    func appendEvents(ticketId: Int, at: Date, _ entries: [StoredEntry]) async throws -> [TicketEvent] {
        var written: [TicketEvent] = []
        // SQLite binds at most 999 values: 5 per row.
        for chunk in entries.chunked(by: 150) {
            let insert = db.insert(into: "ticket_events").columns("ticket_id", "type", "actor", "at", "data")
            for entry in chunk {
                let json = String(decoding: try StoredJSON.encoder.encode(entry.data), as: UTF8.self)
                insert.values(
                    SQLBind(ticketId), SQLBind(entry.kind.rawValue), SQLBind(entry.actor.description),
                    SQLBind(at.storedMilliseconds), SQLBind(json))
            }
            // One statement numbers its rows in the order of its VALUES.
            let ids = try await insert.returning("id").all(decodingColumn: "id", as: Int.self).sorted()
            guard ids.count == chunk.count else {
                throw CoordinatorError(.storage, "insert into ticket_events returned \(ids.count) ids for \(chunk.count) rows")
            }
            written += zip(ids, chunk).map {
                TicketEvent(id: $0, ticketId: ticketId, kind: $1.kind, actor: $1.actor, at: at, data: $1.data)
            }
        }
        try await indexNew(written.compactMap(SearchDocument.of))
        return written
    }

    func events(ticketId: Int, after: Int?, limit: Int) async throws -> [TicketEvent] {
        let query = db.select().column("*").from("ticket_events").where("ticket_id", .equal, ticketId)
        if let after { query.where("id", .greaterThan, after) }
        return try await query.orderBy("id").limit(limit).all().map(Self.event)
    }

    func events(ids: [Int]) async throws -> [TicketEvent] {
        guard !ids.isEmpty else { return [] }
        return try await db.select().column("*").from("ticket_events").where("id", .in, ids).orderBy("id").all().map(Self.event)
    }

    func events(ticketIds: [Int], kinds: [EventKind]) async throws -> [TicketEvent] {
        guard !ticketIds.isEmpty, !kinds.isEmpty else { return [] }
        return try await db.select().column("*").from("ticket_events").where("ticket_id", .in, ticketIds)
            .where("type", .in, kinds.map(\.rawValue)).orderBy("id").all().map(Self.event)
    }

    func events(onTicketsOf technicianId: Int, after: Int?, excluding: Actor, limit: Int) async throws -> [TicketEvent] {
        let open = TicketStatus.allCases.filter(\.isOpen).map(\.rawValue)
        let query = db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("ticket_events"))).from("ticket_events")
            .join("tickets", on: SQLColumn("ticket_id", table: "ticket_events"), .equal, SQLColumn("id", table: "tickets"))
            .where(SQLColumn("assignee_id", table: "tickets"), .equal, SQLBind(technicianId))
            .where(SQLColumn("status", table: "tickets"), .in, SQLBind.group(open))
            .where(SQLColumn("actor", table: "ticket_events"), .notEqual, SQLBind(excluding.description))
        if let after { query.where(SQLColumn("id", table: "ticket_events"), SQLBinaryOperator.greaterThan, SQLBind(after)) }
        return try await query.orderBy(SQLOrderBy(expression: SQLColumn("id", table: "ticket_events"), direction: SQLDirection.descending))
            .limit(limit).all().map(Self.event)
    }

    func latestEventId() async throws -> Int {
        try await db.select().column(
            SQLFunction("coalesce", args: SQLFunction("max", args: SQLColumn("id")), SQLLiteral.numeric("0")), as: "latest"
        )
        .from("ticket_events").first(decodingColumn: "latest", as: Int.self) ?? 0
    }

    func eventTickets(after: Int, orIds ids: [Int], limit: Int) async throws -> [TicketChange] {
        let query = db.select().column("id").column("ticket_id").from("ticket_events")
        if ids.isEmpty {
            query.where("id", .greaterThan, after)
        } else {
            query.where { $0.where("id", .greaterThan, after).orWhere("id", .in, ids) }
        }
        return try await query.orderBy("id").limit(limit).all().map {
            TicketChange(eventId: try $0.decode(column: "id", as: Int.self), ticketId: try $0.decode(column: "ticket_id", as: Int.self))
        }
    }

    func latestEvents(kind: EventKind, ticketIds: [Int]) async throws -> [Int: TicketEvent] {
        guard !ticketIds.isEmpty else { return [:] }
        let rows = try await db.select().column("*").from("ticket_events")
            .where("type", .equal, kind.rawValue).where("ticket_id", .in, ticketIds).orderBy("id").all()
        var latest: [Int: TicketEvent] = [:]
        for event in try rows.map(Self.event) { latest[event.ticketId] = event }
        return latest
    }

    static func event(_ row: any SQLRow) throws -> TicketEvent {
        let r = SQLStoredRow(row: row)
        return TicketEvent(
            id: try r.required(r.int("id"), "id"),
            ticketId: try r.required(r.int("ticket_id"), "ticket_id"),
            kind: try r.kind("type"),
            actor: try r.actor("actor"),
            at: try r.required(r.time("at"), "at"),
            data: try r.json("data", as: JSONValue.self))
    }
}

extension StoredRow {
    func actor(_ column: String) throws -> Actor {
        let text = try required(self.text(column), column)
        guard let actor = Actor(text) else { throw CoordinatorError(.storage, "column \(column) holds '\(text)', which is no actor") }
        return actor
    }

    func kind(_ column: String) throws -> EventKind {
        let text = try required(self.text(column), column)
        guard let kind = EventKind(rawValue: text) else {
            throw CoordinatorError(.storage, "column \(column) holds '\(text)', which is no event kind")
        }
        return kind
    }
}
