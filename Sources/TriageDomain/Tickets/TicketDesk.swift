import Foundation
import TriageModel

/// Tickets: creation, changes, comments, status transitions, and the history each writes.
public struct TicketDesk: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Its own records, and what saving a ticket reaches: assignment and SLA (dispatch, visits), replies (mail, accounts, keys), customers.
    public typealias Storage = TicketRecords & AccessRecords & AccountRecords & DispatchRecords & InventoryRecords & MailRecords
        & NotificationRecords & WebhookRecords
        & SearchRecords & SavedViewRecords & TimeRecords & LinkRecords & CannedReplyRecords
        & VisitRecords
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// Opens a ticket: validated references, SLA due times from its severity, a created event,
    /// and an assigned event when the caller names the assignee.
    public func create(_ input: TicketInput, by principal: Principal, in session: Records)
        async throws -> Ticket
    {
        try Access.createTicket(principal)
        try input.validate()
        return try await newTicket(input, actor: principal.actor, in: session)
    }

    /// A new ticket, assigned by the rules unless the input names an assignee, stored in one
    /// insert with its history: `created`, the assignment's events, then `opening` (what opened it).
    /// `host`, when the caller has read it, saves reading it again.
    package func newTicket(
        _ input: TicketInput, actor: Actor, dedupeKey: String? = nil, opening: [NewEvent] = [],
        host: Record<HostFields>? = nil, in session: Records
    ) async throws -> Ticket {
        let at = now()
        let severity = input.severity ?? 3
        var customerId = input.customerId
        if let customerId { try await checkCustomer(customerId, in: session) }
        if let requesterId = input.requesterId {
            customerId = try await customer(ofRequester: requesterId, expected: customerId, in: session)
        }
        if let hostId = input.hostId {
            customerId = try await customer(ofHost: hostId, known: host, expected: customerId, in: session)
        }
        let requesterId = try await requester(input, customerId: customerId, at: at, in: session)
        if let assigneeId = input.assigneeId { try await checkAssignable(assigneeId, in: session) }
        let due = sla.policy(forCustomer: customerId).dueTimes(severity: severity, created: at)
        var ticket = Ticket(
            id: 0, title: input.title, description: input.description ?? "", customerId: customerId,
            hostId: input.hostId, severity: severity, tier: input.tier ?? 1,
            status: input.assigneeId == nil ? .new : .assigned, channel: input.channel ?? .api,
            assigneeId: input.assigneeId, assignedAt: input.assigneeId == nil ? nil : at, tags: input.tags ?? [],
            requiredSkills: input.requiredSkills ?? [], responseDueAt: due.respond, resolveDueAt: due.resolve,
            responseWarnAt: due.respondWarning, resolveWarnAt: due.resolveWarning, firstResponseAt: nil, resolvedAt: nil,
            closedAt: nil, flags: TicketFlags(), dedupeKey: dedupeKey, createdBy: actor, createdAt: at,
            updatedAt: at, requesterId: requesterId, cc: input.cc ?? [])
        var history = [
            NewEvent(
                .created(
                    TicketCreated(
                        title: ticket.title, severity: ticket.severity, tier: ticket.tier, channel: ticket.channel,
                        customerId: ticket.customerId, hostId: ticket.hostId)))
        ]
        if let assigneeId = ticket.assigneeId {
            history.append(NewEvent(.assigned(AssignmentMade(reason: "chosen by \(actor) on creation", assigneeId: assigneeId))))
        } else {
            history += try await dispatch.autoAssign(&ticket, trigger: "created", at: at, in: session)
        }
        ticket = try await session.insertTicket(ticket)
        try await append(history + opening, to: ticket, actor: actor, at: at, in: session)
        return ticket
    }

    /// Applies a patch, one history event per kind of change; an empty or no-op patch changes nothing.
    public func update(
        _ id: Int, _ patch: TicketPatch, by principal: Principal,
        in session: Records
    ) async throws -> Ticket {
        try patch.validate()
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        let before = ticket
        let reassigning = patch.assigneeId.map { $0 != ticket.assigneeId } ?? false
        try Access.update(ticket, reassigning: reassigning, by: principal)
        let at = now()
        var events: [NewEvent] = []

        var changes = FieldChanges()
        func change<T: Codable & Sendable & Equatable>(
            _ keyPath: WritableKeyPath<Ticket, T>, _ value: T?,
            _ field: WritableKeyPath<FieldChanges, Change<T>?>
        ) {
            guard let value, ticket[keyPath: keyPath] != value else { return }
            changes[keyPath: field] = Change(from: ticket[keyPath: keyPath], to: value)
            ticket[keyPath: keyPath] = value
        }
        change(\.title, patch.title, \.title)
        change(\.description, patch.description, \.description)
        change(\.tags, patch.tags, \.tags)
        change(\.requiredSkills, patch.requiredSkills, \.requiredSkills)
        if let customerId = patch.customerId, customerId != ticket.customerId {
            if let customerId { try await checkCustomer(customerId, in: session) }
            change(\.customerId, .some(customerId), \.customerId)
        }
        if let hostId = patch.hostId, hostId != ticket.hostId {
            if let hostId {
                let owner = try await customer(ofHost: hostId, expected: ticket.customerId, in: session)
                change(\.customerId, .some(owner), \.customerId)
            }
            change(\.hostId, .some(hostId), \.hostId)
        }
        if let requesterId = patch.requesterId, requesterId != ticket.requesterId {
            if let requesterId {
                let owner = try await customer(ofRequester: requesterId, expected: ticket.customerId, in: session)
                change(\.customerId, .some(owner), \.customerId)
            }
            change(\.requesterId, .some(requesterId), \.requesterId)
        }
        change(\.cc, patch.cc, \.cc)
        if ticket.customerId != before.customerId {
            // A new customer: the requester and the host must be theirs too (else replies would mail the old customer's contact).
            if let customerId = ticket.customerId {
                if let requesterId = ticket.requesterId {
                    _ = try await customer(ofRequester: requesterId, expected: customerId, in: session)
                }
                if let hostId = ticket.hostId { _ = try await customer(ofHost: hostId, expected: customerId, in: session) }
            } else if ticket.requesterId != nil || ticket.hostId != nil {
                throw CoordinatorError.invalid("customerId", "a ticket without a customer has no requester or host: clear them too")
            }
        }
        if !changes.isEmpty { events.append(NewEvent(.updated(changes))) }

        if let severity = patch.severity, severity != ticket.severity {
            events.append(NewEvent(.severityChanged(Change(from: ticket.severity, to: severity))))
            ticket.severity = severity
        }
        if let tier = patch.tier, tier != ticket.tier {
            events.append(NewEvent(.tierChanged(Change(from: ticket.tier, to: tier))))
            ticket.tier = tier
        }
        var unassigned: Int?
        if let assignee = patch.assigneeId, assignee != ticket.assigneeId {
            guard ticket.status.isOpen else {
                throw CoordinatorError(.conflict, "ticket \(id) is \(ticket.status.rawValue): reopen it before reassigning")
            }
            if let assignee {
                try await checkAssignable(assignee, in: session)
                events.append(
                    NewEvent(
                        .assigned(
                            AssignmentMade(
                                reason: "chosen by \(principal.actor)", assigneeId: assignee, previousAssigneeId: ticket.assigneeId))))
                if ticket.status == .new { ticket.status = .assigned }
                ticket.assignedAt = at
            } else {
                events.append(NewEvent(.unassigned(Unassigned(previousAssigneeId: ticket.assigneeId))))
                if ticket.status == .assigned { ticket.status = .new }
                unassigned = ticket.assigneeId
                ticket.assignedAt = nil
            }
            ticket.assigneeId = assignee
        }
        if let status = patch.status, status != ticket.status {
            try move(&ticket, to: status, at: at)
        }
        if before.status != ticket.status {
            events.append(NewEvent(.statusChanged(StatusChange(from: before.status, to: ticket.status))))
        }
        guard !events.isEmpty else { return ticket }
        if before.status != ticket.status || before.severity != ticket.severity || before.customerId != ticket.customerId {
            try await recomputeDueTimes(
                &ticket, pending: before.status != ticket.status ? ticket.status : nil, at: at,
                in: session)
        }
        // Unassigned by hand, the ticket goes to the next eligible technician, not back to the same one.
        if let unassigned, ticket.status.isOpen {
            events += try await dispatch.autoAssign(
                &ticket, trigger: "unassigned by \(principal.actor)", excluding: unassigned,
                at: at, in: session)
        }
        try await save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }

    /// Brings a resolved or closed ticket back to work; the only way out of closed.
    public func reopen(_ id: Int, _ input: ReopenInput, by principal: Principal, in session: Records)
        async throws -> Ticket
    {
        try input.validate()
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        try Access.update(ticket, reassigning: false, by: principal)
        let at = now()
        let event = try await reopen(&ticket, reason: input.reason, at: at, in: session)
        try await save(&ticket, events: [event], actor: principal.actor, at: at, in: session)
        return ticket
    }

    /// Moves a resolved or closed ticket back to work, the clocks resuming; 409 for an open one.
    package func reopen(_ ticket: inout Ticket, reason: String, at: Date, in session: Records) async throws -> NewEvent {
        guard let next = ticket.status.reopened(assigned: ticket.assigneeId != nil) else {
            throw CoordinatorError(.conflict, "ticket \(ticket.id) is \(ticket.status.rawValue), not resolved or closed")
        }
        let from = ticket.status
        ticket.status = next
        ticket.resolvedAt = nil
        ticket.closedAt = nil
        try await recomputeDueTimes(&ticket, pending: next, at: at, in: session)
        return NewEvent(.reopened(StatusChange(from: from, to: next, reason: reason)))
    }

    /// Adds a public reply or an internal note; the first public reply by a person is the first response.
    public func comment(
        onTicket id: Int, _ input: CommentInput, by principal: Principal,
        in session: Records
    ) async throws -> TicketEvent {
        try Access.comment(principal)
        try input.validate()
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        let at = now()
        let visibility = input.visibility ?? .public
        if visibility == .public, ticket.firstResponseAt == nil {
            ticket.firstResponseAt = at
        }
        let files = try await keep(input.attachments ?? [], at: at, in: session)
        var comment = Comment(body: input.body, visibility: visibility, attachments: files.isEmpty ? nil : files)
        var outgoing: OutboxMessage?
        if visibility == .public,
            let (sent, message) = try await mailroom.prepareReply(
                ticket, body: input.body, attachments: files, author: try await authorName(principal, in: session), in: session)
        {
            comment.mail = sent
            outgoing = message
        }
        let event = try await save(&ticket, events: [NewEvent(.comment(comment))], actor: principal.actor, at: at, in: session)[0]
        if let outgoing { try await mailroom.enqueue(outgoing, eventId: event.id, in: session) }
        return event
    }

    /// Sets the due times from creation, the severity and the ticket's history: time spent in a
    /// pausing status, or resolved or closed before a reopen, does not count. `pending` is a
    /// status change being made now, not yet in the history.
    package func recomputeDueTimes(_ ticket: inout Ticket, pending: TicketStatus?, at: Date, in session: Records)
        async throws
    {
        let history = try await session.events(ticketIds: [ticket.id], kinds: [.statusChanged, .reopened])
        var transitions: [(Date, TicketStatus)] = history.compactMap { event in
            switch event.entry {
            case .statusChanged(let change)?, .reopened(let change)?: (event.at, change.to)
            default: nil
            }
        }
        if let pending { transitions.append((at, pending)) }
        let policy = sla.policy(forCustomer: ticket.customerId)
        let stopped = policy.pausingStatuses.union([.resolved, .closed])
        var pauses: [DateInterval] = []
        var since: Date?
        for (time, status) in transitions {
            if stopped.contains(status) {
                if since == nil { since = time }
            } else if let start = since {
                pauses.append(DateInterval(start: start, end: max(start, time)))
                since = nil
            }
        }
        // Still paused: the deadline stands as if the pause ended now, and moves on with it.
        if let start = since { pauses.append(DateInterval(start: start, end: max(start, at))) }
        let due = policy.dueTimes(severity: ticket.severity, created: ticket.createdAt, pauses: pauses)
        (ticket.responseDueAt, ticket.resolveDueAt) = (due.respond, due.resolve)
        (ticket.responseWarnAt, ticket.resolveWarnAt) = (due.respondWarning, due.resolveWarning)
    }

    /// A person's explicit acknowledgement: the first response if none was given yet. Once only;
    /// a repeat changes nothing.
    public func acknowledge(ticket id: Int, by principal: Principal, in session: Records) async throws -> Ticket {
        try Access.comment(principal)
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        try Access.acknowledge(ticket, by: principal)
        guard ticket.firstResponseAt == nil else { return ticket }
        guard ticket.status.isOpen else {
            throw CoordinatorError(.conflict, "ticket \(id) is \(ticket.status.rawValue); there is nothing to acknowledge")
        }
        let at = now()
        ticket.firstResponseAt = at
        try await save(
            &ticket, events: [NewEvent(.acknowledged(Acknowledged(responseDueAt: ticket.responseDueAt)))],
            actor: principal.actor, at: at, in: session)
        return ticket
    }

    package func move(_ ticket: inout Ticket, to status: TicketStatus, at: Date) throws {
        guard ticket.status.canMove(to: status) else {
            let hint = ticket.status.isOpen ? "" : ": reopen it with POST /api/v1/tickets/\(ticket.id)/reopen"
            throw CoordinatorError(
                .conflict, "ticket \(ticket.id) cannot move from \(ticket.status.rawValue) to \(status.rawValue)\(hint)")
        }
        if status == .assigned && ticket.assigneeId == nil {
            throw CoordinatorError(.conflict, "ticket \(ticket.id) has no assignee: set assigneeId to assign it")
        }
        if status == .new && ticket.assigneeId != nil {
            throw CoordinatorError(.conflict, "ticket \(ticket.id) is assigned: unassign it (assigneeId null) instead")
        }
        switch status {
        case .resolved: ticket.resolvedAt = at
        case .closed: ticket.closedAt = at
        default: break
        }
        ticket.status = status
    }

    private func checkCustomer(_ customerId: Int, in session: Records) async throws {
        if !(try await session.exists(.customer, customerId)) {
            throw CoordinatorError.invalid("customerId", "customer \(customerId) does not exist")
        }
    }

    /// The customer whose site the host is at; it must be `expected` when the ticket names one.
    /// The customer a host belongs to (`known`: the host, when the caller read it already).
    private func customer(ofHost hostId: Int, known: Record<HostFields>? = nil, expected: Int?, in session: Records)
        async throws -> Int
    {
        let read = known?.id == hostId ? known : try await session.record(hostId, as: HostFields.self)
        guard let host = read else {
            throw CoordinatorError.invalid("hostId", "host \(hostId) does not exist")
        }
        guard let site = try await session.record(host.fields.siteId, as: SiteFields.self) else {
            throw CoordinatorError(.storage, "host \(hostId) refers to the missing site \(host.fields.siteId)")
        }
        let owner = site.fields.customerId
        if let expected, expected != owner {
            throw CoordinatorError.invalid("hostId", "host \(hostId) belongs to customer \(owner), not \(expected)")
        }
        return owner
    }

    private func checkAssignable(_ technicianId: Int, in session: Records) async throws {
        guard let technician = try await session.record(technicianId, as: TechnicianFields.self) else {
            throw CoordinatorError.invalid("assigneeId", "technician \(technicianId) does not exist")
        }
        guard technician.fields.active else {
            throw CoordinatorError.invalid("assigneeId", "technician \(technicianId) is not active")
        }
    }
}
