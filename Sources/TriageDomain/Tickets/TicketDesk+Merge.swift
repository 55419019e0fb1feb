import Foundation
import TriageModel

/// Merging a duplicate into another ticket, and links between tickets (docs/board.md, "Merge
/// and link"). Each changes both tickets and writes the history of both.
extension TicketDesk {
    /// Merges ticket `id` into `targetId`: its whole history (messages, notes, everything) and
    /// its time move to the survivor, its requester and CCs join the survivor's CCs, and it
    /// closes pointing at the survivor — mail threaded to it goes there. Needs the right to
    /// change both; a duplicate with a visit still on (booked, en route, on site) is refused.
    public func merge(_ id: Int, into targetId: Int, by principal: Principal, in session: Records) async throws -> Ticket {
        guard var duplicate = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        try Access.update(duplicate, reassigning: false, by: principal)
        guard id != targetId else { throw CoordinatorError.invalid("into", "a ticket cannot be merged into itself") }
        guard var survivor = try await session.ticket(targetId) else {
            throw CoordinatorError.invalid("into", "ticket \(targetId) does not exist")
        }
        try Access.update(survivor, reassigning: false, by: principal)
        if let merged = duplicate.mergedInto { throw CoordinatorError(.conflict, "ticket \(id) was merged into ticket \(merged) already") }
        if let merged = survivor.mergedInto {
            throw CoordinatorError.invalid("into", "ticket \(targetId) was merged into ticket \(merged): merge into that one")
        }
        // A visit belongs to its ticket's site and time: one still on would be left behind, its history moved away.
        if let visit = try await session.visits(VisitFilter(ticketIds: [id], activeOnly: true), limit: 1).first {
            throw CoordinatorError(
                .conflict,
                "ticket \(id) has visit \(visit.id) still \(visit.status.rawValue.replacingOccurrences(of: "_", with: " ")): finish or cancel it first"
            )
        }
        guard survivor.status.isOpen else {
            throw CoordinatorError.invalid(
                "into", "ticket \(targetId) is \(survivor.status.rawValue): reopen it first, or merge it into this one")
        }
        let at = now()
        var cc = duplicate.cc
        if let requesterId = duplicate.requesterId, requesterId != survivor.requesterId,
            let email = try await session.record(requesterId, as: ContactFields.self)?.fields.email
        {
            cc.insert(email, at: 0)
        }
        var survivorCC = survivor.cc
        for address in cc where !survivorCC.contains(where: { $0.caseInsensitiveCompare(address) == .orderedSame }) {
            survivorCC.append(address)
        }
        let added = survivorCC.filter { address in !survivor.cc.contains(address) }
        let moved = try await session.moveEvents(fromTicket: id, toTicket: targetId)
        try await session.moveTimeEntries(fromTicket: id, toTicket: targetId)
        let note = TicketMerge(from: id, into: targetId, title: duplicate.title, moved: moved, cc: added)

        let from = duplicate.status
        duplicate.mergedInto = targetId
        if duplicate.status.isOpen {
            duplicate.status = .closed
            duplicate.resolvedAt = duplicate.resolvedAt ?? at
            duplicate.closedAt = at
        }
        var closing = [NewEvent(.merged(note))]
        if from != duplicate.status {
            closing.append(NewEvent(.statusChanged(StatusChange(from: from, to: .closed, reason: "merged into ticket \(targetId)"))))
        }
        _ = try await save(&duplicate, events: closing, actor: principal.actor, at: at, in: session)
        survivor.cc = survivorCC
        _ = try await save(&survivor, events: [NewEvent(.merged(note))], actor: principal.actor, at: at, in: session)
        return survivor
    }

    /// Links `other` to ticket `id` as `relation` (what `other` is to `id`), on both tickets'
    /// history. Needs the right to change `id`; `other` only has to exist.
    public func link(_ id: Int, to other: Int, as relation: TicketRelation, by principal: Principal, in session: Records) async throws {
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        try Access.update(ticket, reassigning: false, by: principal)
        guard id != other else { throw CoordinatorError.invalid("other", "a ticket cannot be linked to itself") }
        guard var linked = try await session.ticket(other) else {
            throw CoordinatorError.invalid("other", "ticket \(other) does not exist")
        }
        if try await session.links(ofTicket: id).contains(where: { $0.ticketId == other && $0.relation == relation }) { return }
        let at = now()
        try await session.link(id, other, as: relation, at: at)
        _ = try await save(
            &ticket, events: [NewEvent(.linked(TicketLinkChange(ticketId: other, relation: relation)))], actor: principal.actor, at: at,
            in: session)
        _ = try await save(
            &linked, events: [NewEvent(.linked(TicketLinkChange(ticketId: id, relation: relation.inverse)))], actor: principal.actor,
            at: at,
            in: session)
    }

    /// Removes the link between ticket `id` and `other`.
    public func unlink(_ id: Int, from other: Int, by principal: Principal, in session: Records) async throws {
        guard var ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
        try Access.update(ticket, reassigning: false, by: principal)
        guard let relation = try await session.links(ofTicket: id).first(where: { $0.ticketId == other })?.relation,
            try await session.unlink(id, other)
        else { throw CoordinatorError.notFound("link to ticket", other) }
        let at = now()
        _ = try await save(
            &ticket, events: [NewEvent(.unlinked(TicketLinkChange(ticketId: other, relation: relation)))], actor: principal.actor, at: at,
            in: session)
        if var linked = try await session.ticket(other) {
            _ = try await save(
                &linked, events: [NewEvent(.unlinked(TicketLinkChange(ticketId: id, relation: relation.inverse)))], actor: principal.actor,
                at: at, in: session)
        }
    }

    /// The tickets linked to `id`, each with what it is to it.
    public func links(ofTicket id: Int, by principal: Principal) async throws -> [(ticket: Ticket, relation: TicketRelation)] {
        try Access.readAll(principal)
        return try await read { session in
            let links = try await session.links(ofTicket: id)
            let tickets = Dictionary(uniqueKeysWithValues: try await session.tickets(ids: links.map(\.ticketId)).map { ($0.id, $0) })
            return links.compactMap { link in tickets[link.ticketId].map { ($0, link.relation) } }
        }
    }
}
