import Foundation

/// Local days and wall-clock times of one IANA zone. Times of day are found by offset arithmetic
/// rather than Calendar's matching search, which cost most of a due-time computation.
package struct WallClock {
    package let zone: TimeZone
    private let calendar: Calendar

    package init(_ zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    package struct Day {
        /// The instant the local day begins, and the one the next begins.
        package var midnight: Date
        package var next: Date
        /// ISO weekday: 1 = Monday … 7 = Sunday.
        package var weekday: Int
    }

    /// The local days from the one holding `start`, at most `limit` of them.
    package func days(from start: Date, limit: Int) -> some Sequence<Day> {
        var midnight = calendar.startOfDay(for: start)
        var left = limit
        return AnyIterator<Day> { [calendar] in
            guard left > 0 else { return nil }
            left -= 1
            let next = calendar.date(byAdding: .day, value: 1, to: midnight) ?? midnight.addingTimeInterval(86_400)
            defer { midnight = next }
            return Day(midnight: midnight, next: next, weekday: (calendar.component(.weekday, from: midnight) + 5) % 7 + 1)
        }
    }

    /// When the wall clock shows `minutes` past midnight on `day`; 24:00 is the next midnight.
    package func instant(_ minutes: Int, on day: Day) -> Date {
        if minutes >= 24 * 60 { return day.next }
        let guess = day.midnight.addingTimeInterval(Double(minutes) * 60)
        // A DST change earlier in the day moves later wall-clock times by the difference.
        return guess.addingTimeInterval(Double(zone.secondsFromGMT(for: day.midnight) - zone.secondsFromGMT(for: guess)))
    }

    /// The local date `YYYY-MM-DD` of `day`.
    package func date(_ day: Day) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: day.midnight)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// The local days a window touches, per zone, computed once per zone: Calendar's day arithmetic
/// is what a schedule over many technicians would otherwise spend its time on.
package struct LocalDays {
    private var cache: [String: (clock: WallClock, days: [WallClock.Day])] = [:]
    private var window: DateInterval?

    package mutating func of(_ zone: TimeZone, _ window: DateInterval) -> (clock: WallClock, days: [WallClock.Day]) {
        if window != self.window {
            cache = [:]
            self.window = window
        }
        if let cached = cache[zone.identifier] { return cached }
        let clock = WallClock(zone)
        let result = (clock, Array(clock.days(from: window.start, limit: 400).prefix { $0.midnight < window.end }))
        cache[zone.identifier] = result
        return result
    }

    package init(cache: [String: (clock: WallClock, days: [WallClock.Day])] = [:], window: DateInterval? = nil) {
        self.cache = cache
        self.window = window
    }
}
