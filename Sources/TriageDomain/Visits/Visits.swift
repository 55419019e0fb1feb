import Foundation
import TriageModel

/// On-site visits: free slots, booking, rescheduling and their progress.
public struct Visits: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). A booking changes its ticket, through the ticket desk.
    public typealias Storage = TicketDesk.Storage
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    // MARK: Proposals

    /// GET /tickets/{id}/visit-slots: the earliest feasible (technician, window) pairs for a visit
    /// of `minutes` to the ticket's site within `days` from `from`, each with why it fits.
    public func slots(ticket id: Int, from: Date?, days: Int, minutes: Int, limit: Int, by principal: Principal)
        async throws -> [VisitSlot]
    {
        try Access.readAll(principal)
        // Proposals start now at the earliest: a slot in the past cannot be booked.
        let start = max(from ?? now(), now())
        if start > now().addingTimeInterval(Double(visitPolicy.horizonDays) * 86_400) {
            throw CoordinatorError(.badRequest, "from is more than \(visitPolicy.horizonDays) days ahead (visits.horizonDays)")
        }
        let window = DateInterval(start: start, duration: Double(days) * 86_400)
        return try await read { session in
            guard let ticket = try await session.ticket(id) else { throw CoordinatorError.notFound("ticket", id) }
            let members = try await roster.members(in: session)
            let planner = try await planner(
                for: ticket, technicians: members.map(\.technician.id),
                around: window.expanded(by: Double(visitPolicy.longestTravel * 60)), in: session)
            let loads = try await session.workloads().mapValues { assignment.load($0) }
            return planner.slots(members, loads: loads, within: window, duration: Double(minutes) * 60, limit: limit)
        }
    }

    /// What the planner needs for `ticket`: its site, and the active visits of `technicians` near `window`.
    private func planner(for ticket: Ticket, technicians: [Int], around window: DateInterval, in session: Records)
        async throws -> VisitPlanner
    {
        guard let hostId = ticket.hostId, let host = try await session.record(hostId, as: HostFields.self) else {
            throw CoordinatorError(.invalid, "ticket \(ticket.id) has no host, so no site to visit: set its hostId first")
        }
        guard let site = try await session.record(host.fields.siteId, as: SiteFields.self) else {
            throw CoordinatorError.notFound("site", host.fields.siteId)
        }
        let active = try await session.visits(
            VisitFilter(technicianIds: technicians, activeOnly: true, overlapping: window), limit: 100_000)
        var sites: [Int: SiteFields] = [site.id: site.fields]
        for siteId in Set(active.map(\.siteId)) where sites[siteId] == nil {
            sites[siteId] = try await session.record(siteId, as: SiteFields.self)?.fields
        }
        let booked = Dictionary(grouping: active.map { VisitPlanner.Booked(visit: $0, site: sites[$0.siteId]) }, by: \.visit.technicianId)
        return VisitPlanner(policy: visitPolicy, ticket: ticket, siteId: site.id, site: site.fields, booked: booked)
    }

    // MARK: Booking

    /// POST /visits: books a window after checking every constraint again in this transaction, so
    /// that of two dispatchers booking the same hour one wins and the other gets 409 naming the visit.
    public func book(_ booking: VisitBooking, by principal: Principal, in session: Records) async throws -> Visit {
        try Access.dispatch(principal)
        var ticket = try await desk.openTicket(booking.ticketId, before: "booking a visit", in: session) { _ in }
        let window = try Self.window(booking.start, booking.end)
        try visitPolicy.checkBookable(window, now: now())
        let (member, planner) = try await checked(window, technician: booking.technicianId, for: ticket, ignoring: nil, in: session)
        let at = now()
        let visit = try await session.insertVisit(
            Visit(
                id: 0, ticketId: ticket.id, technicianId: member.technician.id, siteId: planner.siteId, start: window.start,
                end: window.end, status: .booked, notes: nil, createdAt: at, updatedAt: at))
        try await desk.save(
            &ticket, events: [NewEvent(.visitBooked(Self.slot(visit, planner: planner, name: member.technician.fields.name)))],
            actor: principal.actor, at: at, in: session)
        return visit
    }

    /// POST /visits/{id}/reschedule: a booked visit moves (keeping its id and history).
    public func reschedule(visit id: Int, to change: VisitReschedule, by principal: Principal, in session: Records)
        async throws -> Visit
    {
        try Access.dispatch(principal)
        var visit = try await existingVisit(id, in: session)
        guard visit.status == .booked else {
            throw CoordinatorError(.conflict, "visit \(id) is \(visit.status.rawValue): only a booked visit can be rescheduled")
        }
        var ticket = try await desk.openTicket(visit.ticketId, before: "rescheduling its visit", in: session) { _ in }
        let window = try Self.window(change.start, change.end)
        try visitPolicy.checkBookable(window, now: now())
        let technician = change.technicianId ?? visit.technicianId
        let (member, planner) = try await checked(window, technician: technician, for: ticket, ignoring: id, in: session)
        let before = Self.slot(visit, planner: nil, name: nil)
        (visit.start, visit.end, visit.technicianId, visit.updatedAt) = (window.start, window.end, technician, now())
        try await session.updateVisit(visit)
        let moved = VisitMoved(visitId: id, from: before, to: Self.slot(visit, planner: planner, name: member.technician.fields.name))
        try await desk.save(&ticket, events: [NewEvent(.visitRescheduled(moved))], actor: principal.actor, at: visit.updatedAt, in: session)
        return visit
    }

    /// POST /visits/{id}/status: en route, on site, done (with notes) by the technician or the
    /// desk; cancelled by the desk. Each step is an event on the ticket.
    public func changeStatus(visit id: Int, _ change: VisitStatusChange, by principal: Principal, in session: Records)
        async throws -> Visit
    {
        var visit = try await existingVisit(id, in: session)
        if change.status == .cancelled || principal.role != .technician {
            try Access.dispatch(principal)
        } else if principal.technicianId != visit.technicianId {
            throw CoordinatorError(.forbidden, "visit \(id) is not yours")
        }
        guard visit.status.canMove(to: change.status) else {
            throw CoordinatorError(.conflict, "visit \(id) is \(visit.status.rawValue): it cannot become \(change.status.rawValue)")
        }
        if change.status == .done, (change.notes ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw CoordinatorError.invalid("notes", "say what was done on site")
        }
        try Validate.optionalText(change.notes, "notes", max: 10_000)
        guard var ticket = try await session.ticket(visit.ticketId) else { throw CoordinatorError.notFound("ticket", visit.ticketId) }
        let from = visit.status
        (visit.status, visit.updatedAt) = (change.status, now())
        if let notes = change.notes { visit.notes = notes }
        try await session.updateVisit(visit)
        let step = VisitStep(visitId: id, from: from, technicianId: visit.technicianId, notes: change.notes)
        try await desk.save(
            &ticket, events: [NewEvent(.visit(change.status, step))],
            actor: principal.actor, at: visit.updatedAt, in: session)
        return visit
    }

    // MARK: Reading

    public func visit(_ id: Int, by principal: Principal) async throws -> Visit {
        try Access.readAll(principal)
        let visit = try await read { try await existingVisit(id, in: $0) }
        if principal.role == .technician, principal.technicianId != visit.technicianId {
            throw CoordinatorError(.forbidden, "technicians see their own visits; visit \(id) is not yours")
        }
        return visit
    }

    /// GET /visits: technicians see their own; the desk sees all, or one technician's or ticket's.
    public func list(technician: Int?, ticket: Int?, window: DateInterval?, by principal: Principal) async throws -> [Visit] {
        try Access.readAll(principal)
        var filter = VisitFilter(technicianIds: technician.map { [$0] }, ticketIds: ticket.map { [$0] }, overlapping: window)
        if principal.role == .technician {
            guard let me = principal.technicianId, technician == nil || technician == me else {
                throw CoordinatorError(.forbidden, "technicians see their own visits")
            }
            filter.technicianIds = [me]
        }
        return try await read { [filter] in try await $0.visits(filter, limit: 1000) }
    }

    // MARK: Helpers

    private func existingVisit(_ id: Int, in session: Records) async throws -> Visit {
        guard let visit = try await session.visit(id) else { throw CoordinatorError.notFound("visit", id) }
        return visit
    }

    /// The technician and the planner after every check of `window`: 422 when it does not fit,
    /// 409 naming the visit it clashes with.
    private func checked(
        _ window: DateInterval, technician id: Int, for ticket: Ticket, ignoring visitId: Int?,
        in session: Records
    ) async throws -> (RosterMember, VisitPlanner) {
        guard let technician = try await session.record(id, as: TechnicianFields.self) else {
            throw CoordinatorError.notFound("technician", id)
        }
        let member = RosterMember(technician)
        let planner = try await planner(
            for: ticket, technicians: [id], around: window.expanded(by: Double(visitPolicy.longestTravel * 60)),
            in: session)
        switch planner.check(member, window, ignoring: visitId) {
        case nil: return (member, planner)
        case .unfit(let reason)?: throw CoordinatorError(.invalid, reason)
        case .clash(let other, let travel)?:
            throw CoordinatorError(
                .conflict,
                "\(technician.fields.name) has visit \(other.id) (ticket \(other.ticketId)) "
                    + "\(other.start.internetTime)–\(other.end.internetTime) at site \(other.siteId), "
                    + "which with \(travel) min travel overlaps this window")
        }
    }

    private static func window(_ start: Date, _ end: Date) throws -> DateInterval {
        guard start < end else { throw CoordinatorError.invalid("end", "must be after start") }
        guard end.timeIntervalSince(start) <= 12 * 3600 else { throw CoordinatorError.invalid("end", "a visit lasts at most 12 hours") }
        return DateInterval(start: start, end: end)
    }

    private static func slot(_ visit: Visit, planner: VisitPlanner?, name: String?) -> VisitTime {
        VisitTime(
            visitId: visit.id, technicianId: visit.technicianId, siteId: visit.siteId, start: visit.start, end: visit.end,
            technician: name, deadline: planner?.deadlineReason(visit.end))
    }
}
