import Foundation

/// RFC 3339 date-times as the API takes and gives them: `YYYY-MM-DDTHH:MM:SS`, optional
/// fractional seconds, then `Z` or `±HH:MM`, in the proleptic Gregorian calendar both ways (as
/// RFC 3339 says). Parsed by hand: Foundation's ISO8601DateFormatter (CoreFoundation and ICU
/// underneath) cost ≈ 7 % of the coordinator's CPU per ingested report, one date each; formatted
/// by hand: Foundation's format style switches to the Julian calendar before 1582, so 1500-06-01
/// came back as 1500-05-22.
package enum InternetTime {
    /// `2026-11-23T08:00:00Z`, or with milliseconds `2026-11-23T08:00:00.000Z`, in UTC.
    package static func format(_ date: Date, milliseconds: Bool = false) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, dayMillis) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, ms) = dayMillis < 0 ? (Int(days) - 1, Int(dayMillis) + 86_400_000) : (Int(days), Int(dayMillis))
        let (year, month, dayOfMonth) = civil(fromDaysSinceEpoch: day)
        let seconds = ms / 1000
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var yearText = String(abs(year))
        while yearText.count < 4 { yearText = "0" + yearText }
        if year < 0 { yearText = "-" + yearText }
        var text = "\(yearText)-\(two(month))-\(two(dayOfMonth))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if milliseconds {
            let fraction = ms % 1000
            text += fraction < 10 ? ".00\(fraction)" : fraction < 100 ? ".0\(fraction)" : ".\(fraction)"
        }
        return text + "Z"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's civil_from_days).
    package static func civil(fromDaysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    package static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }
        func expect(_ choices: UInt8...) -> Bool {
            guard index < bytes.count, choices.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            expect(0x54, 0x74), let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A),
            let second = number(2),
            (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if expect(0x2E) {
            var digits = 0
            var scale = 1.0
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                if index - start < 9 {
                    digits = digits * 10 + Int(bytes[index] - 0x30)
                    scale *= 10
                }
                index += 1
            }
            guard index > start else { return nil }
            fraction = Double(digits) / scale
        }
        var offset = 0  // `Z`
        if !expect(0x5A, 0x7A) {
            guard index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D else { return nil }
            let sign = bytes[index] == 0x2D ? -1 : 1
            index += 1
            guard let hours = number(2), expect(0x3A), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = daysSinceEpoch(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    package static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
    package static func daysSinceEpoch(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Date {
    /// RFC 3339 in UTC, whole seconds, proleptic Gregorian: how times appear in event data and messages.
    package var internetTime: String { InternetTime.format(self) }
}

extension JSONDecoder.DateDecodingStrategy {
    /// RFC 3339 text, as the API takes times in bodies and the history keeps them.
    package static let internetTime = JSONDecoder.DateDecodingStrategy.custom { decoder in
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = InternetTime.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO-8601 date-time")
        }
        return date
    }
}
