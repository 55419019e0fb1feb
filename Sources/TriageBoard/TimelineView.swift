import Foundation
import TriageDomain
import TriageEdge

/// One day of visits per technician, as bars on a shared hour scale: their shift stretches
/// behind, their visits on top.
struct TimelineDay {
    struct HourMark {
        var left: String
        var text: String
    }

    struct Block {
        var left: String
        var width: String
        var text: String
    }

    struct VisitBlock {
        var id: Int
        var ticketId: Int
        var status: String
        var left: String
        var width: String
        var text: String
        var title: String
    }

    struct Row {
        var technicianId: Int
        var name: String
        var shifts: [Block]
        var visits: [VisitBlock]
    }

    var date: String
    var label: String
    var hours: [HourMark]
    var rows: [Row]

    /// The window the board's timeline covers: today and tomorrow, in the board's zone.
    static func window(_ clock: BoardClock) -> DateInterval {
        let days = Array(WallClock(clock.zone).days(from: clock.now, limit: 2))
        return DateInterval(start: days[0].midnight, end: days[1].next)
    }

    static func days(_ snapshot: BoardSnapshot, principal: Principal, titles: [Int: String], clock: BoardClock) -> [TimelineDay] {
        var localDays = LocalDays()
        let own = principal.role == .technician
        let members = snapshot.technicians.filter { !own || $0.id == principal.technicianId }
            .sorted { ($0.fields.name, $0.id) < ($1.fields.name, $1.id) }.map(RosterMember.init)
        return WallClock(clock.zone).days(from: clock.now, limit: 2).enumerated().map { index, day in
            let window = DateInterval(start: day.midnight, end: day.next)
            // A technician always sees their own row; the desk sees whoever works or has a visit that day.
            let rows = members.compactMap { member -> (RosterMember, [DateInterval], [Visit])? in
                let visits = snapshot.visits.filter {
                    $0.technicianId == member.technician.id && $0.start < window.end && $0.end > window.start
                }
                let shifts = member.technician.fields.active ? member.shiftStretches(within: window, &localDays) : []
                return own || !visits.isEmpty || !shifts.isEmpty ? (member, shifts, visits) : nil
            }
            let scale = Scale(window, covering: rows.flatMap { $0.2.map { DateInterval(start: $0.start, end: $0.end) } })
            return TimelineDay(
                date: clock.date(day.midnight), label: "\(index == 0 ? "Today" : "Tomorrow") · \(clock.day(day.midnight))",
                hours: scale.hours.map { HourMark(left: scale.percent($0), text: clock.time($0)) },
                rows: rows.map {
                    row($0.0.technician, shifts: $0.1, visits: $0.2, scale: scale, snapshot: snapshot, titles: titles, clock: clock)
                })
        }
    }

    private static func row(
        _ technician: Technician, shifts: [DateInterval], visits: [Visit], scale: Scale, snapshot: BoardSnapshot,
        titles: [Int: String], clock: BoardClock
    ) -> Row {
        Row(
            technicianId: technician.id, name: technician.fields.name,
            shifts: shifts.compactMap { shift in
                guard let shown = shift.intersection(with: scale.range), shown.duration > 0 else { return nil }
                return Block(
                    left: scale.percent(shown.start), width: scale.width(shown), text: "\(clock.time(shift.start))–\(clock.time(shift.end))"
                )
            },
            visits: visits.map { visit in
                let site = snapshot.siteNames[visit.siteId] ?? "site \(visit.siteId)"
                let text = "\(clock.time(visit.start))–\(clock.time(visit.end)) \(site)"
                return VisitBlock(
                    id: visit.id, ticketId: visit.ticketId, status: visit.status.rawValue, left: scale.percent(visit.start),
                    width: scale.width(DateInterval(start: visit.start, end: visit.end)), text: text,
                    title: "#\(visit.ticketId) \(titles[visit.ticketId] ?? "") · visit \(visit.id) \(visit.status.rawValue) · \(text)")
            })
    }

    /// Whole hours from 07:00 to 19:00, widened to the day's visits (shifts are cut to it, so a
    /// round-the-clock shift does not shrink every visit to a sliver).
    private struct Scale {
        let start: Date
        let end: Date

        init(_ day: DateInterval, covering: [DateInterval]) {
            let clipped = covering.compactMap { $0.intersection(with: day) }
            let first = min(day.start + 7 * 3600, clipped.map(\.start).min() ?? .distantFuture)
            let last = max(day.start + 19 * 3600, clipped.map(\.end).max() ?? .distantPast)
            start = max(day.start, day.start + (first.timeIntervalSince(day.start) / 3600).rounded(.down) * 3600)
            end = min(day.end, day.start + (last.timeIntervalSince(day.start) / 3600).rounded(.up) * 3600)
        }

        var range: DateInterval { DateInterval(start: start, end: end) }
        var hours: [Date] { stride(from: start, through: end - 1, by: 3600).map { $0 } }

        func percent(_ date: Date) -> String {
            format(max(0, min(1, date.timeIntervalSince(start) / end.timeIntervalSince(start))))
        }

        func width(_ interval: DateInterval) -> String {
            let from = max(interval.start, start)
            let to = min(interval.end, end)
            return format(max(0, to.timeIntervalSince(from)) / end.timeIntervalSince(start))
        }

        private func format(_ fraction: Double) -> String { String(format: "%.2f", fraction * 100) }
    }
}
