import Foundation

/// Who works a ticket and when it moves up: assignment, escalation, SLA reactions, notifications, the board.
public struct Dispatch: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Every change it makes is saved through the ticket desk.
    public typealias Storage = TicketDesk.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// Functional escalation (`tier`: one tier up, assignment re-run) or hierarchical (`lead`: the
    /// desk's dispatchers and admins are notified). Tier 3 is the highest internal tier.
    public func escalate(ticket id: Int, _ input: EscalationInput, by principal: Principal, in session: Records)
        async throws -> Ticket
    {
        try input.validate()
        var ticket = try await desk.openTicket(id, before: "escalating", in: session) {
            try Access.update($0, reassigning: false, by: principal)
        }
        let at = now()
        var events: [NewEvent]
        switch input.to {
        case .tier:
            guard ticket.tier < 3 else {
                throw CoordinatorError(
                    .conflict,
                    "ticket \(id) is at tier 3, the highest internal tier: open a vendor case "
                        + "(POST /api/v1/tickets/\(id)/vendor-case) or escalate to the lead")
            }
            events = try await escalateTier(
                &ticket, to: ticket.tier + 1, reason: input.reason,
                assign: "escalated to tier \(ticket.tier + 1)", at: at, in: session)
        case .lead:
            // The desk hears of it through the ticket's history (docs/notifications.md).
            events = [NewEvent(.escalated(Escalation(kind: .hierarchical, notified: "lead", reason: input.reason)))]
        }
        try await desk.save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }

    /// Opens the ticket's vendor case or records what changed in it; opening moves the ticket to
    /// waiting_vendor, and from then on the vendor owns the clock until we take the ticket back.
    public func recordVendorCase(
        ticket id: Int, _ input: VendorCaseInput, by principal: Principal,
        in session: Records
    ) async throws -> Ticket {
        try input.validate()
        var ticket = try await desk.openTicket(id, before: "a vendor case", in: session) {
            try Access.update($0, reassigning: false, by: principal)
        }
        let at = now()
        var events: [NewEvent] = []
        if var existing = ticket.flags.vendorCase {
            guard existing.vendor == input.vendor else {
                throw CoordinatorError(
                    .conflict, "ticket \(id) already has a case with \(existing.vendor); one vendor case per ticket")
            }
            let changes = existing.apply(input)
            guard changes != VendorCaseUpdated(vendor: existing.vendor) else { return ticket }
            ticket.flags.vendorCase = existing
            events.append(NewEvent(.vendorCaseUpdated(changes)))
        } else {
            let opened = VendorCase(
                vendor: input.vendor, externalRef: input.externalRef, status: input.status ?? "open",
                vendorSeverity: input.vendorSeverity, vendorDueAt: input.vendorDueAt, openedAt: at)
            ticket.flags.vendorCase = opened
            events.append(
                NewEvent(
                    .vendorCaseOpened(
                        VendorCaseOpened(
                            vendor: opened.vendor, externalRef: opened.externalRef, status: opened.status,
                            vendorSeverity: opened.vendorSeverity, vendorDueAt: opened.vendorDueAt))))
            if ticket.status != .waitingVendor {
                events.append(NewEvent(.statusChanged(StatusChange(from: ticket.status, to: .waitingVendor))))
                ticket.status = .waitingVendor
                try await desk.recomputeDueTimes(&ticket, pending: .waitingVendor, at: at, in: session)
            }
        }
        try await desk.save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }
}

extension VendorCase {
    /// Takes the fields the input names; returns what changed, as from/to pairs.
    package mutating func apply(_ input: VendorCaseInput) -> VendorCaseUpdated {
        var changes = VendorCaseUpdated(vendor: vendor)
        func take<T: Codable & Sendable & Equatable>(
            _ keyPath: WritableKeyPath<VendorCase, T?>, _ value: T?,
            _ change: WritableKeyPath<VendorCaseUpdated, Change<T?>?>
        ) {
            guard let value, self[keyPath: keyPath] != value else { return }
            changes[keyPath: change] = Change(from: self[keyPath: keyPath], to: value)
            self[keyPath: keyPath] = value
        }
        take(\.externalRef, input.externalRef, \.externalRef)
        take(\.status, input.status, \.status)
        take(\.vendorSeverity, input.vendorSeverity, \.vendorSeverity)
        take(\.vendorDueAt, input.vendorDueAt, \.vendorDueAt)
        return changes
    }
}

extension Dispatch {
    /// Functional escalation, whoever asks (a person, a diagnosis, a resolution breach): the
    /// ticket goes up to `tier` with an `escalated` event, and assignment runs again for the new
    /// tier with `assign` as its trigger — or later, by the caller, when `assign` is nil.
    package func escalateTier(
        _ ticket: inout Ticket, to tier: Int, reason: String, reportId: UUID? = nil, assign trigger: String?,
        at: Date, in session: Records
    ) async throws -> [NewEvent] {
        var events = [
            NewEvent(
                .escalated(
                    Escalation(
                        kind: .functional, from: ticket.tier, to: tier, reason: reason,
                        reportId: reportId)))
        ]
        ticket.tier = tier
        if let trigger { events += try await autoAssign(&ticket, trigger: trigger, at: at, in: session) }
        return events
    }
}
