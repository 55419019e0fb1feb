import Foundation

extension Dispatch {
    /// The lease that makes one coordinator instance at a time run the SLA checks.
    package static let slaLease = "sla-scheduler"

    /// One pass of the SLA scheduler at `now`, on behalf of `holder`: for every open ticket with a
    /// warning or breach due and not yet sent, an `sla_warning` and then an `sla_breach` event per
    /// target (respond, while unanswered; resolve), each at most once — the ticket records what was
    /// sent. A resolution breach escalates one tier (up to 3) and re-runs assignment. Works in
    /// batches, each a transaction that first takes or renews the lease for `leaseSeconds`; when
    /// another holder has the lease, nothing is done. Returns the events written.
    @discardableResult
    public func runSLAChecks(at now: Date, holder: String = "local", leaseSeconds: Double = 90, batch: Int = 200)
        async throws -> [TicketEvent]
    {
        let running = Set(TicketStatus.allCases.filter { $0.isOpen && $0 != .waitingCustomer })
        var written: [TicketEvent] = []
        var after = 0
        while true {
            let start = after
            let (events, last, more) = try await write { session -> ([TicketEvent], Int, Bool) in
                guard
                    try await session.acquireLease(
                        Self.slaLease, holder: holder, now: now,
                        until: now.addingTimeInterval(leaseSeconds))
                else { return ([], 0, false) }
                let due = try await session.ticketsWithSLACheckDue(at: now, statuses: running, after: start, limit: batch)
                var events: [TicketEvent] = []
                for ticket in due { events += try await checkSLA(ticket, at: now, in: session) }
                return (events, due.last?.id ?? start, due.count == batch)
            }
            written += events
            guard more else { return written }
            after = last
        }
    }

    private func checkSLA(_ ticket: Ticket, at now: Date, in session: Records) async throws -> [TicketEvent] {
        var ticket = ticket
        guard !sla.policy(forCustomer: ticket.customerId).pausingStatuses.contains(ticket.status) else { return [] }
        var targets: [(name: String, warn: Date, due: Date, warned: SLASent, breached: SLASent)] = [
            ("resolve", ticket.resolveWarnAt, ticket.resolveDueAt, .resolveWarning, .resolveBreach)
        ]
        if ticket.firstResponseAt == nil {
            targets.insert(("respond", ticket.responseWarnAt, ticket.responseDueAt, .respondWarning, .respondBreach), at: 0)
        }
        var events: [NewEvent] = []
        for target in targets {
            let payload = SLATarget(target: target.name, dueAt: target.due)
            if now >= target.warn, !ticket.slaSent.contains(target.warned) {
                events.append(NewEvent(.slaWarning(payload)))
                ticket.slaSent.insert(target.warned)
            }
            guard now >= target.due, !ticket.slaSent.contains(target.breached) else { continue }
            events.append(NewEvent(.slaBreach(payload)))
            ticket.slaSent.insert(target.breached)
            if target.name == "resolve", ticket.tier < 3 {
                events += try await escalateTier(
                    &ticket, to: ticket.tier + 1, reason: "resolution SLA breached",
                    assign: "escalated to tier \(ticket.tier + 1) on a resolution breach",
                    at: now, in: session)
            }
        }
        guard !events.isEmpty else {
            // Nothing was due after all (the next time moved): store it so the ticket is not read again.
            try await session.updateTicket(ticket)
            return []
        }
        return try await desk.save(&ticket, events: events, actor: .system(.sla), at: now, in: session)
    }
}
