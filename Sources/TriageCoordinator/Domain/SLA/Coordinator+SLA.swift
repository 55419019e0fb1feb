import Foundation

extension Coordinator {
    /// One pass of the SLA scheduler at `now`: for every open, running ticket whose warning
    /// time has come, an `sla_warning` and then an `sla_breach` event per target (respond,
    /// resolve), each at most once — the history is the record of what was sent. A resolution
    /// breach escalates one tier (up to 3). Returns the events written.
    @discardableResult
    public func runSLAChecks(at now: Date) async throws -> [TicketEvent] {
        try await store.write { session in
            var written: [TicketEvent] = []
            for var ticket in try await session.ticketsWithSLAWarningDue(at: now) {
                guard ticket.status.isOpen, !sla.pausingStatuses.contains(ticket.status) else { continue }
                let history = try await session.events(ticketId: ticket.id, after: nil, limit: 100_000)
                func sent(_ type: String, _ target: String) -> Bool {
                    history.contains { $0.type == type && $0.data["target"] == .string(target) }
                }
                var targets: [(name: String, warn: Date, due: Date)] = [("resolve", ticket.resolveWarnAt, ticket.resolveDueAt)]
                if ticket.firstResponseAt == nil {
                    targets.insert(("respond", ticket.responseWarnAt, ticket.responseDueAt), at: 0)
                }
                for target in targets {
                    let data: JSONValue = ["target": .string(target.name), "dueAt": .string(target.due.formatted(.iso8601))]
                    if now >= target.warn, !sent("sla_warning", target.name) {
                        written.append(try await session.appendEvent(ticketId: ticket.id, type: "sla_warning",
                                                                     actor: "system:sla", at: now, data: data))
                    }
                    guard now >= target.due, !sent("sla_breach", target.name) else { continue }
                    written.append(try await session.appendEvent(ticketId: ticket.id, type: "sla_breach",
                                                                 actor: "system:sla", at: now, data: data))
                    if target.name == "resolve", ticket.tier < 3 {
                        written.append(try await session.appendEvent(
                            ticketId: ticket.id, type: "escalated", actor: "system:sla", at: now,
                            data: ["kind": "functional", "from": JSONValue(ticket.tier), "to": JSONValue(ticket.tier + 1),
                                   "reason": "resolution SLA breached"]))
                        ticket.tier += 1
                        ticket.updatedAt = now
                        try await session.updateTicket(ticket)
                    }
                }
            }
            return written
        }
    }
}
