import Foundation

/// When technicians are on shift: their weekly plan in their own time zone, minus absences.
/// Local midnights are cached per zone and window, so checking a thousand technicians costs a
/// handful of calendar computations.
struct ShiftPlan {
    /// Local days that a window touches, per zone.
    private var days: [String: (clock: WallClock, days: [WallClock.Day])] = [:]
    private var window: DateInterval?

    /// The first stretch on shift within `window`, clipped to it; nil when there is none.
    mutating func firstStretch(of member: RosterMember, within window: DateInterval) -> DateInterval? {
        guard !member.shifts.isEmpty, let zone = member.zone else { return nil }
        let (clock, days) = localDays(zone, window)
        for day in days {
            for shift in member.shifts[day.weekday] ?? [] {
                let from = clock.instant(shift.lowerBound, on: day), to = clock.instant(shift.upperBound, on: day)
                guard from < window.end, to > window.start, from < to else { continue }
                let stretch = DateInterval(start: max(from, window.start), end: min(to, window.end))
                if let free = SLAClock.subtract(member.absences, from: stretch).first(where: { $0.duration > 0 }) {
                    return free
                }
            }
        }
        return nil
    }

    private mutating func localDays(_ zone: TimeZone, _ window: DateInterval) -> (clock: WallClock, days: [WallClock.Day]) {
        if window != self.window {
            days = [:]
            self.window = window
        }
        if let cached = days[zone.identifier] { return cached }
        let clock = WallClock(zone)
        let result = (clock, Array(clock.days(from: window.start, limit: 400).prefix { $0.midnight < window.end }))
        days[zone.identifier] = result
        return result
    }
}
