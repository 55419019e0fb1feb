import Foundation

/// When technicians are on shift: their weekly plan in their own time zone, minus absences.
/// Local midnights are cached per zone and window, so checking a thousand technicians costs a
/// handful of calendar computations.
package struct ShiftPlan {
    private var days = LocalDays()

    /// The first stretch on shift within `window`, clipped to it; nil when there is none.
    package mutating func firstStretch(of member: RosterMember, within window: DateInterval) -> DateInterval? {
        guard !member.shifts.isEmpty, let zone = member.zone else { return nil }
        let (clock, days) = self.days.of(zone, window)
        for day in days {
            for shift in member.shifts[day.weekday] ?? [] {
                let from = clock.instant(shift.lowerBound, on: day)
                let to = clock.instant(shift.upperBound, on: day)
                guard from < window.end, to > window.start, from < to else { continue }
                let stretch = DateInterval(start: max(from, window.start), end: min(to, window.end))
                if let free = Intervals.subtract(member.absences, from: [stretch]).first(where: { $0.duration > 0 }) {
                    return free
                }
            }
        }
        return nil
    }
}
