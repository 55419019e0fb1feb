import Foundation

extension Coordinator {
    /// Functional escalation (`tier`: one tier up, assignment re-run) or hierarchical (`lead`: the
    /// lead is notified through the notification feed). Tier 3 is the highest internal tier.
    public func escalate(ticket id: Int, _ input: EscalationInput, by principal: Principal, in session: any StoreSession)
        async throws -> Ticket
    {
        try input.validate()
        var ticket = try await openTicket(id, before: "escalating", in: session) {
            try Access.update($0, reassigning: false, by: principal)
        }
        let at = now()
        var events: [PendingEvent]
        switch input.to {
        case .tier:
            guard ticket.tier < 3 else {
                throw CoordinatorError(
                    .conflict, "ticket \(id) is at tier 3, the highest internal tier: open a vendor case "
                        + "(POST /api/v1/tickets/\(id)/vendor-case) or escalate to the lead")
            }
            events = [PendingEvent("escalated", ["kind": "functional", "from": JSONValue(ticket.tier),
                                                 "to": JSONValue(ticket.tier + 1), "reason": .string(input.reason)])]
            ticket.tier += 1
            events += try await autoAssign(&ticket, trigger: "escalated to tier \(ticket.tier)", at: at, in: session)
        case .lead:
            events = [PendingEvent("escalated", ["kind": "hierarchical", "notified": "lead", "reason": .string(input.reason)])]
            _ = try await session.insertNotification(Notification(
                id: 0, type: "lead_escalation", ticketId: id, at: at,
                data: ["title": .string(ticket.title), "severity": JSONValue(ticket.severity), "tier": JSONValue(ticket.tier),
                       "by": .string(principal.actor), "reason": .string(input.reason)]))
        }
        try await save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }

    /// Opens the ticket's vendor case or records what changed in it; opening moves the ticket to
    /// waiting_vendor, and from then on the vendor owns the clock until we take the ticket back.
    public func recordVendorCase(ticket id: Int, _ input: VendorCaseInput, by principal: Principal,
                                 in session: any StoreSession) async throws -> Ticket
    {
        try input.validate()
        var ticket = try await openTicket(id, before: "a vendor case", in: session) {
            try Access.update($0, reassigning: false, by: principal)
        }
        let at = now()
        var events: [PendingEvent] = []
        if var existing = ticket.flags.vendorCase {
            guard existing.vendor == input.vendor else {
                throw CoordinatorError(
                    .conflict, "ticket \(id) already has a case with \(existing.vendor); one vendor case per ticket")
            }
            let changes = existing.apply(input)
            guard !changes.isEmpty else { return ticket }
            ticket.flags.vendorCase = existing
            events.append(PendingEvent("vendor_case_updated", .object(changes.merging(["vendor": .string(existing.vendor)]) { $1 })))
        } else {
            let opened = VendorCase(vendor: input.vendor, externalRef: input.externalRef, status: input.status ?? "open",
                                    vendorSeverity: input.vendorSeverity, vendorDueAt: input.vendorDueAt, openedAt: at)
            ticket.flags.vendorCase = opened
            events.append(PendingEvent("vendor_case_opened", opened.eventData))
            if ticket.status != .waitingVendor {
                events.append(PendingEvent("status_changed", ["from": .string(ticket.status.rawValue), "to": "waiting_vendor"]))
                ticket.status = .waitingVendor
                try await recomputeDueTimes(&ticket, pending: .waitingVendor, at: at, in: session)
            }
        }
        try await save(&ticket, events: events, actor: principal.actor, at: at, in: session)
        return ticket
    }
}

extension VendorCase {
    /// Takes the fields the input names; returns what changed, as from/to pairs.
    mutating func apply(_ input: VendorCaseInput) -> [String: JSONValue] {
        var changes: [String: JSONValue] = [:]
        func take<T: Equatable>(_ name: String, _ keyPath: WritableKeyPath<VendorCase, T?>, _ value: T?,
                                _ json: (T?) -> JSONValue) {
            guard let value, self[keyPath: keyPath] != value else { return }
            changes[name] = ["from": json(self[keyPath: keyPath]), "to": json(value)]
            self[keyPath: keyPath] = value
        }
        take("externalRef", \.externalRef, input.externalRef) { JSONValue($0) }
        take("status", \.status, input.status) { JSONValue($0) }
        take("vendorSeverity", \.vendorSeverity, input.vendorSeverity) { JSONValue($0) }
        take("vendorDueAt", \.vendorDueAt, input.vendorDueAt) { JSONValue($0?.internetTime) }
        return changes
    }

    var eventData: JSONValue {
        ["vendor": .string(vendor), "externalRef": JSONValue(externalRef), "status": JSONValue(status),
         "vendorSeverity": JSONValue(vendorSeverity), "vendorDueAt": JSONValue(vendorDueAt?.internetTime)]
    }
}

extension Coordinator {
    /// The notification feed, oldest first: what the hook delivers to the desk's leads.
    public func notifications(after: Int?, limit: Int, by principal: Principal) async throws -> Page<Notification> {
        try Access.dispatch(principal)
        let items = try await store.read { try await $0.notifications(after: after, limit: limit + 1) }
        return Page(items, limit: limit, id: \.id)
    }
}
