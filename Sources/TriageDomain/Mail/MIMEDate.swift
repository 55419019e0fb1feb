import Foundation

/// RFC 5322 dates (`Mon, 07 Dec 2026 09:45:59 +0000`), read leniently (obsolete zone names, two-digit
/// years, comments, asctime order) and written exactly; by hand, in the proleptic Gregorian calendar
/// and independent of any locale.
package enum MIMEDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
        "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "met": 60, "mest": 120, "bst": 60,
        "eet": 120, "eest": 180, "wet": 0, "west": 60,
    ]

    package static func parse(_ value: String) -> Date? {
        guard value.utf8.count < 200 else { return nil }
        var plain = ""
        var depth = 0
        for char in value {
            if char == "(" {
                depth += 1
            } else if char == ")" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                plain.append(char == "," ? " " : char)
            }
        }
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        var offset: Int?
        for token in plain.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }) {
            let lower = token.lowercased()
            if time == nil, token.contains(":"), token.first?.isNumber == true {
                let pieces = token.split(separator: ":", omittingEmptySubsequences: false)
                guard pieces.count == 2 || pieces.count == 3, let hour = Int(pieces[0]), let minute = Int(pieces[1]) else { return nil }
                var second = 0
                if pieces.count == 3 {
                    guard let whole = Int(pieces[2].prefix { $0.isNumber }) else { return nil }
                    second = whole
                }
                guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
                time = (hour, minute, second)
            } else if let first = token.first, first == "+" || first == "-", time != nil || year != nil {
                let digits = token.dropFirst().filter { $0 != ":" }
                guard digits.count == 4, let number = Int(digits) else { continue }
                let minutes = number / 100 * 60 + number % 100
                offset = first == "-" ? -minutes : minutes
            } else if token.allSatisfy({ $0.isASCII && $0.isNumber }) {
                guard let number = Int(token) else { return nil }
                if day == nil, token.count <= 2 {
                    day = number
                } else if year == nil {
                    year = token.count == 2 ? (number < 50 ? 2000 + number : 1900 + number) : token.count == 3 ? 1900 + number : number
                }
            } else if month == nil, lower.count >= 3, let index = months.firstIndex(of: String(lower.prefix(3))) {
                month = index + 1
            } else if offset == nil, let zone = zones[lower] {
                offset = zone
            } else if offset == nil, lower.count == 1, lower.first?.isLetter == true, time != nil {
                offset = 0  // military zones: RFC 5322 says read them as -0000
            }
        }
        guard let day, let month, let year, let time, (1900...9999).contains(year),
            day >= 1, day <= InternetTime.daysIn(month, year)
        else { return nil }
        let days = InternetTime.daysSinceEpoch(year, month, day)
        let seconds = days * 86_400 + time.0 * 3600 + time.1 * 60 + time.2 - (offset ?? 0) * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `Mon, 07 Dec 2026 09:45:59 +0000` (UTC).
    package static func format(_ date: Date) -> String {
        // Years 1 to 9999 (no trap on infinity or NaN).
        let seconds = date.timeIntervalSince1970
        let total = seconds.isNaN ? 0 : Int(min(max(seconds, -62_135_596_800), 253_402_300_799).rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let second = total - days * 86_400
        let (year, month, day) = InternetTime.civil(fromDaysSinceEpoch: days)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var yearText = String(year)
        while yearText.count < 4 { yearText = "0" + yearText }
        return "\(dayNames[weekday]), \(two(day)) \(monthNames[month - 1]) \(yearText) "
            + "\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) +0000"
    }
}
