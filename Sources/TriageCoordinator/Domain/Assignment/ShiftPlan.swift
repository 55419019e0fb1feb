import Foundation

/// When technicians are on shift: their weekly plan in their own time zone, minus absences.
/// Local midnights are cached per zone and day, so checking a thousand technicians costs a
/// handful of calendar computations.
struct ShiftPlan {
    /// Local days (midnight, ISO weekday) that a window touches, per zone and window.
    private var days: [String: [(midnight: Date, weekday: Int)]] = [:]

    /// The first stretch on shift within `window`, clipped to it; nil when there is none.
    mutating func firstStretch(of technician: TechnicianFields, within window: DateInterval) -> DateInterval? {
        guard !technician.shifts.isEmpty, let zone = TimeZone(identifier: technician.timeZone) else { return nil }
        let absences = technician.absences.map { DateInterval(start: $0.from, end: $0.to) }
        for (midnight, weekday) in localDays(zone, window) {
            let stretches = technician.shifts.filter { $0.weekday == weekday }.compactMap { shift -> DateInterval? in
                guard let from = Self.instant(shift.start, on: midnight, zone),
                    let to = Self.instant(shift.end, on: midnight, zone),
                    from < window.end, to > window.start, from < to
                else { return nil }
                return DateInterval(start: max(from, window.start), end: min(to, window.end))
            }.sorted { $0.start < $1.start }
            for stretch in stretches {
                if let free = SLAClock.subtract(absences, from: stretch).first(where: { $0.duration > 0 }) { return free }
            }
        }
        return nil
    }

    /// A wall-clock time `HH:MM` of the zone on the local day starting at `midnight`.
    private static func instant(_ clock: String, on midnight: Date, _ zone: TimeZone) -> Date? {
        guard let minutes = try? Validate.clockMinutes(clock, "shift") else { return nil }
        let guess = midnight.addingTimeInterval(Double(minutes) * 60)
        // A DST change during the day shifts wall-clock times after it by the difference.
        let shift = zone.secondsFromGMT(for: midnight) - zone.secondsFromGMT(for: guess)
        return guess.addingTimeInterval(Double(shift))
    }

    private mutating func localDays(_ zone: TimeZone, _ window: DateInterval) -> [(midnight: Date, weekday: Int)] {
        let key = "\(zone.identifier) \(window.start.timeIntervalSince1970) \(window.end.timeIntervalSince1970)"
        if let cached = days[key] { return cached }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var result: [(Date, Int)] = []
        var day = calendar.startOfDay(for: window.start)
        while day < window.end {
            result.append((day, (calendar.component(.weekday, from: day) + 5) % 7 + 1))
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        }
        days[key] = result
        return result
    }
}
