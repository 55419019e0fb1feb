import Foundation

/// When the service desk works: weekdays, daily hours and holidays in one IANA time zone
/// (docs/coordinator.md, "SLA due times"). Hours are wall-clock times of that zone, so a DST change moves them in UTC.
public struct BusinessCalendar: Codable, Sendable, Equatable {
    public var timeZone: String
    /// ISO weekdays: 1 = Monday … 7 = Sunday.
    public var weekdays: [Int]
    public var opens: String
    public var closes: String
    /// Local dates `YYYY-MM-DD` without business hours.
    public var holidays: [String]

    public init(
        timeZone: String = "UTC", weekdays: [Int] = [1, 2, 3, 4, 5], opens: String = "08:00",
        closes: String = "17:00", holidays: [String] = []
    ) {
        self.timeZone = timeZone
        self.weekdays = weekdays
        self.opens = opens
        self.closes = closes
        self.holidays = holidays
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case timeZone, weekdays, opens, closes, holidays }

    /// Keys left out keep the defaults: UTC, Monday to Friday, 08:00–17:00, no holidays.
    /// A misspelt key is an error, not a silently default opening hour.
    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "sla: calendar", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? timeZone
        weekdays = try c.decodeIfPresent([Int].self, forKey: .weekdays) ?? weekdays
        opens = try c.decodeIfPresent(String.self, forKey: .opens) ?? opens
        closes = try c.decodeIfPresent(String.self, forKey: .closes) ?? closes
        holidays = try c.decodeIfPresent([String].self, forKey: .holidays) ?? holidays
    }

    public func validate() throws {
        try Validate.timeZone(timeZone, "calendar.timeZone")
        for day in weekdays { try Validate.weekday(day, "calendar.weekdays") }
        if weekdays.isEmpty { throw CoordinatorError.invalid("calendar.weekdays", "needs at least one day") }
        try Validate.window(opens, closes, "calendar")
        for holiday in holidays where Self.dayFormat(TimeZone(identifier: timeZone) ?? .gmt).date(from: holiday) == nil {
            throw CoordinatorError.invalid("calendar.holidays", "'\(holiday)' is not a date YYYY-MM-DD")
        }
    }

    /// Minutes of business time in one working day.
    public var minutesPerDay: Int {
        ((try? Validate.clockMinutes(closes, "closes")) ?? 0) - ((try? Validate.clockMinutes(opens, "opens")) ?? 0)
    }

    /// The business-hour windows from `start` on, in order and computed as they are needed, the
    /// first clipped to begin at `start`. Looks at most `horizonDays` local days ahead.
    package func windows(from start: Date, horizonDays: Int = 3_700) -> some Sequence<DateInterval> {
        let clock = WallClock(TimeZone(identifier: timeZone) ?? .gmt)
        let holidaySet = Set(holidays)
        let open = (try? Validate.clockMinutes(opens, "opens")) ?? 0
        let close = (try? Validate.clockMinutes(closes, "closes")) ?? 0
        let days = Set(weekdays)
        return clock.days(from: start, limit: horizonDays).lazy.compactMap { day -> DateInterval? in
            guard days.contains(day.weekday), holidaySet.isEmpty || !holidaySet.contains(clock.date(day)) else { return nil }
            let from = clock.instant(open, on: day)
            let to = clock.instant(close, on: day)
            guard to > start, from < to else { return nil }
            return DateInterval(start: max(from, start), end: to)
        }
    }

    private static func dayFormat(_ zone: TimeZone) -> DateFormatter {
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = zone
        format.dateFormat = "yyyy-MM-dd"
        return format
    }
}

/// Which clock a target runs on.
public enum SLAHours: String, Codable, Sendable {
    /// Around the clock.
    case always
    /// Only inside the business calendar.
    case business
}

/// Deadline arithmetic: working time that runs on a clock, minus pauses.
public struct SLAClock: Sendable {
    public var hours: SLAHours
    public var calendar: BusinessCalendar

    public init(hours: SLAHours, calendar: BusinessCalendar) {
        self.hours = hours
        self.calendar = calendar
    }

    /// When `minutes` of working time since `start` have passed, not counting `pauses`.
    public func due(from start: Date, minutes: Double, pauses: [DateInterval] = []) -> Date {
        var remaining = minutes * 60
        if remaining <= 0 { return start }
        for window in workingWindows(from: start) {
            for segment in Intervals.subtract(pauses, from: [window]) {
                if segment.duration >= remaining { return segment.start.addingTimeInterval(remaining) }
                remaining -= segment.duration
            }
        }
        return .distantFuture
    }

    /// Working minutes between two instants, not counting `pauses`.
    public func elapsedMinutes(from start: Date, to end: Date, pauses: [DateInterval] = []) -> Double {
        guard end > start else { return 0 }
        var total: TimeInterval = 0
        for window in workingWindows(from: start) {
            guard window.start < end else { break }
            let clipped = DateInterval(start: window.start, end: min(window.end, end))
            total += Intervals.subtract(pauses, from: [clipped]).reduce(0) { $0 + $1.duration }
        }
        return total / 60
    }

    private func workingWindows(from start: Date) -> AnySequence<DateInterval> {
        switch hours {
        case .always: AnySequence([DateInterval(start: start, end: .distantFuture)])
        case .business: AnySequence(calendar.windows(from: start))
        }
    }
}
