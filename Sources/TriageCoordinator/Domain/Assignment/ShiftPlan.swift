import Foundation

/// When technicians are on shift: their weekly plan in their own time zone, minus absences.
/// Local midnights are cached per zone and window, so checking a thousand technicians costs a
/// handful of calendar computations.
struct ShiftPlan {
    /// Local days (midnight, ISO weekday) that a window touches, per zone.
    private var days: [String: [(midnight: Date, weekday: Int)]] = [:]
    private var window: DateInterval?

    /// The first stretch on shift within `window`, clipped to it; nil when there is none.
    mutating func firstStretch(of member: RosterMember, within window: DateInterval) -> DateInterval? {
        guard !member.shifts.isEmpty, let zone = member.zone else { return nil }
        for (midnight, weekday) in localDays(zone, window) {
            for shift in member.shifts[weekday] ?? [] {
                let from = Self.instant(shift.lowerBound, on: midnight, zone)
                let to = Self.instant(shift.upperBound, on: midnight, zone)
                guard from < window.end, to > window.start, from < to else { continue }
                let stretch = DateInterval(start: max(from, window.start), end: min(to, window.end))
                if let free = SLAClock.subtract(member.absences, from: stretch).first(where: { $0.duration > 0 }) {
                    return free
                }
            }
        }
        return nil
    }

    /// `minutes` of wall-clock time of the zone on the local day starting at `midnight`.
    private static func instant(_ minutes: Int, on midnight: Date, _ zone: TimeZone) -> Date {
        let guess = midnight.addingTimeInterval(Double(minutes) * 60)
        // A DST change during the day shifts wall-clock times after it by the difference.
        let shift = zone.secondsFromGMT(for: midnight) - zone.secondsFromGMT(for: guess)
        return guess.addingTimeInterval(Double(shift))
    }

    private mutating func localDays(_ zone: TimeZone, _ window: DateInterval) -> [(midnight: Date, weekday: Int)] {
        if window != self.window {
            days = [:]
            self.window = window
        }
        if let cached = days[zone.identifier] { return cached }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var result: [(Date, Int)] = []
        var day = calendar.startOfDay(for: window.start)
        while day < window.end {
            result.append((day, (calendar.component(.weekday, from: day) + 5) % 7 + 1))
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        }
        days[zone.identifier] = result
        return result
    }
}
