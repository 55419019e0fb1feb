import Foundation

/// When technicians can be at a ticket's site: inside their shift (minus absences), inside the
/// site's opening hours, clear of their other active visits by the travel time between the two
/// sites, with the skills the ticket needs. Pure: the caller reads what it needs in one go.
package struct VisitPlanner {
    package struct Booked {
        package var visit: Visit
        package var site: SiteFields?
    }

    package let policy: VisitPolicy
    package let ticket: Ticket
    package let siteId: Int
    package let site: SiteFields
    /// Active visits of the candidates, by technician.
    package let booked: [Int: [Booked]]

    /// Why `member` cannot take the window, or nil when they can. A clash with a visit is
    /// returned as that visit, so that the caller can answer 409 naming it.
    package enum Refusal: Error {
        case unfit(String)
        case clash(Visit, travelMinutes: Int)
    }

    // MARK: Proposals

    /// The earliest feasible window per free stretch of each eligible technician, ranked by
    /// start, then travel, then load, then id; at most `limit`, each with its reasons.
    package func slots(
        _ members: [RosterMember], loads: [Int: Int], within window: DateInterval, duration: TimeInterval,
        limit: Int
    ) -> [VisitSlot] {
        struct Candidate {
            var member: RosterMember
            var window: DateInterval
            var shift: DateInterval?
            var previous: Booked?
            var travel: Int
            var load: Int
        }
        // Shifts and opening hours from the day before, so that the reasons show whole ones; slots start in the window.
        let wide = DateInterval(start: window.start.addingTimeInterval(-86_400), end: window.end)
        var days = LocalDays()
        let opening = openingHours(within: wide, &days)
        let grid = Double(policy.slotMinutes * 60)
        var candidates: [Candidate] = []
        for member in members where fits(skillsOf: member) && member.technician.fields.active {
            let shifts = member.shiftStretches(within: wide, &days)
            let free = Intervals.subtract(blocked(for: member.technician.id), from: Intervals.intersect(shifts, opening))
            for stretch in free where stretch.end > window.start {
                let earliest = max(stretch.start, window.start).timeIntervalSince1970
                let start = Date(timeIntervalSince1970: (earliest / grid).rounded(.up) * grid)
                let slot = DateInterval(start: start, duration: duration)
                guard slot.end <= stretch.end else { continue }
                // The technician comes from their visit before it the same working day (within 12 h).
                let previous = (booked[member.technician.id] ?? [])
                    .filter { $0.visit.end <= start && start.timeIntervalSince($0.visit.end) < 12 * 3600 }
                    .max { $0.visit.end < $1.visit.end }
                let travel = previous.map { policy.travel(from: $0.site, $0.visit.siteId, to: site, siteId) } ?? 0
                candidates.append(
                    Candidate(
                        member: member, window: slot, shift: shifts.first { $0.contains(slot) }, previous: previous,
                        travel: travel, load: loads[member.technician.id] ?? 0))
            }
        }
        candidates.sort {
            ($0.window.start, $0.travel, $0.load, $0.member.technician.id) < ($1.window.start, $1.travel, $1.load, $1.member.technician.id)
        }
        return candidates.prefix(limit).map { c in
            let zone = c.member.zone ?? .gmt
            var reasons: [String] = []
            if let shift = c.shift {
                reasons.append(
                    shift.duration >= 86_400
                        ? "on shift around the clock (\(zone.identifier))"
                        : "on shift \(Self.clock(shift.start, zone))–\(Self.clock(shift.end, zone)) (\(zone.identifier))")
            }
            reasons.append(openingReason(for: c.window, opening))
            reasons.append(
                ticket.requiredSkills.isEmpty ? "no skills required" : "has the skills \(ticket.requiredSkills.joined(separator: ", "))")
            if let previous = c.previous {
                reasons.append("\(c.travel) min travel after visit \(previous.visit.id) (ends \(Self.clock(previous.visit.end, zone)))")
            } else {
                reasons.append("no visit of theirs in the 12 h before")
            }
            reasons.append(deadlineReason(c.window.end))
            reasons.append("load \(c.load)")
            return VisitSlot(
                technicianId: c.member.technician.id, technicianName: c.member.technician.fields.name,
                start: c.window.start, end: c.window.end, travelMinutes: c.travel, load: c.load,
                breachesDeadline: c.window.end > ticket.resolveDueAt, reasons: reasons)
        }
    }

    // MARK: Booking

    /// Checks one window for one technician, as booking and rescheduling must.
    package func check(_ member: RosterMember, _ window: DateInterval, ignoring visitId: Int? = nil) -> Refusal? {
        let fields = member.technician.fields
        if !fields.active { return .unfit("technician \(member.technician.id) is not active") }
        if !fits(skillsOf: member) {
            let missing = Set(ticket.requiredSkills).subtracting(fields.skills).sorted()
            return .unfit("\(fields.name) lacks the skills \(missing.joined(separator: ", ")) that ticket \(ticket.id) needs")
        }
        let around = window.expanded(by: 86_400)
        var days = LocalDays()
        if !member.shiftStretches(within: around, &days).contains(where: { $0.contains(window) }) {
            return .unfit("the window is not inside one of \(fields.name)'s shifts (\(fields.timeZone)), or they are absent")
        }
        if !openingHours(within: around, &days).contains(where: { $0.contains(window) }) {
            return .unfit("site \(siteId) is not open for the whole window (\(site.timeZone))")
        }
        for other in booked[member.technician.id] ?? [] where other.visit.id != visitId {
            let travel = policy.travel(from: other.site, other.visit.siteId, to: site, siteId)
            let blocked = DateInterval(
                start: other.visit.start.addingTimeInterval(-Double(travel * 60)),
                end: other.visit.end.addingTimeInterval(Double(travel * 60)))
            if blocked.start < window.end && window.start < blocked.end { return .clash(other.visit, travelMinutes: travel) }
        }
        return nil
    }

    package func deadlineReason(_ end: Date) -> String {
        let hours = Int(ticket.resolveDueAt.timeIntervalSince(end) / 3600)
        return end > ticket.resolveDueAt
            ? "ends after the resolution deadline (\(ticket.resolveDueAt.internetTime)): breaches the SLA"
            : "ends \(hours) h before the resolution deadline"
    }

    // MARK: Intervals

    private func fits(skillsOf member: RosterMember) -> Bool {
        Set(ticket.requiredSkills).isSubset(of: member.technician.fields.skills)
    }

    /// Booked time of a technician, widened by the travel to or from this site.
    private func blocked(for technician: Int) -> [DateInterval] {
        (booked[technician] ?? []).map { other in
            let travel = Double(policy.travel(from: other.site, other.visit.siteId, to: site, siteId) * 60)
            return DateInterval(start: other.visit.start.addingTimeInterval(-travel), end: other.visit.end.addingTimeInterval(travel))
        }.sorted { $0.start < $1.start }
    }

    private func openingHours(within window: DateInterval, _ days: inout LocalDays) -> [DateInterval] {
        guard !site.openingHours.isEmpty else { return [window] }
        var weekly: [Int: [Range<Int>]] = [:]
        for hours in site.openingHours {
            guard let opens = try? Validate.clockMinutes(hours.opens, "opens"),
                let closes = try? Validate.clockMinutes(hours.closes, "closes"),
                opens < closes
            else { continue }
            weekly[hours.weekday, default: []].append(opens..<closes)
        }
        return Intervals.weekly(weekly, days.of(TimeZone(identifier: site.timeZone) ?? .gmt, window), within: window)
    }

    private func openingReason(for window: DateInterval, _ opening: [DateInterval]) -> String {
        guard !site.openingHours.isEmpty else { return "the site has no opening hours set: always open" }
        let zone = TimeZone(identifier: site.timeZone) ?? .gmt
        guard let open = opening.first(where: { $0.contains(window) }) else { return "site open" }
        return "site open \(Self.clock(open.start, zone))–\(Self.clock(open.end, zone)) (\(zone.identifier))"
    }

    /// `HH:MM` on the wall clock of `zone`.
    package static func clock(_ date: Date, _ zone: TimeZone) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        let minutes = ((local % 86_400) + 86_400) % 86_400 / 60
        return String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}
