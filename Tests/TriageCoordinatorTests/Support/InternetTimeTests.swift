import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The hand-written RFC 3339 parser against Foundation's own ISO 8601 parsing (to the
/// microsecond: the two round the sum of seconds and fraction differently in the last bit).
@Suite struct InternetTimeTests {
    func same(_ a: Date?, _ b: Date?) -> Bool {
        guard let a, let b else { return false }
        return abs(a.timeIntervalSince(b)) < 1e-6
    }

    /// Formatting is proleptic Gregorian, like parsing: what goes in comes out, before 1582 too
    /// (Foundation's format style gave 1500-06-01 back as 1500-05-22), and agrees with Foundation after.
    @Test func formatsWhatItParsesInEveryCentury() throws {
        for text in [
            "1500-06-01T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "0001-02-28T23:59:59.999Z", "1582-10-04T12:00:00.000Z",
            "1582-10-15T12:00:00.000Z", "1600-02-29T06:07:08.009Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z",
        ] {
            let date = try #require(InternetTime.parse(text))
            #expect(InternetTime.format(date, milliseconds: true) == text)
        }
        #expect(InternetTime.format(try #require(InternetTime.parse("1500-06-01T10:11:12Z"))) == "1500-06-01T10:11:12Z")
        // After 1582 the date and time agree with Foundation's; the milliseconds are the ones stored
        // (Foundation truncates 1784-10-18T14:57:27.615 read back from a Double to .614).
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let millis = Int64.random(in: -11_000_000_000_000...253_000_000_000_000, using: &random)
            let (seconds, fraction) = (millis >= 0 ? millis / 1000 : (millis - 999) / 1000, ((millis % 1000) + 1000) % 1000)
            let text = InternetTime.format(Date(timeIntervalSince1970: Double(millis) / 1000), milliseconds: true)
            let whole = Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: Double(seconds)))
            #expect(text == whole.dropLast() + "." + String(format: "%03lld", fraction) + "Z", "\(millis)")
        }
    }

    @Test func agreesWithFoundationOnRandomTimesAndOffsets() throws {
        var random = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<2_000 {
            // Any millisecond from 1900 to 2200.
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &random)) / 1000)
            let text = style.format(date)
            #expect(same(InternetTime.parse(text), try style.parse(text)), "\(text)")
            let plain = String(text.prefix(19)) + "Z"
            #expect(same(InternetTime.parse(plain), try Date.ISO8601FormatStyle().parse(plain)), "\(plain)")
        }
        let offsets = [
            "2026-11-23T04:30:00+02:00": "2026-11-23T02:30:00Z", "2026-01-01T00:15:00-05:30": "2026-01-01T05:45:00Z",
            "2024-02-29t23:59:59.5z": "2024-02-29T23:59:59.500Z",
        ]
        for (text, utc) in offsets {
            #expect(
                same(InternetTime.parse(text), try style.parse(utc.contains(".") ? utc : utc.replacingOccurrences(of: "Z", with: ".000Z"))),
                "\(text)")
        }
    }

    @Test(arguments: [
        "", "2026-11-23", "2026-11-23T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T10:00:60Z",
        "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00+0200", "2026-11-23 10:00:00Z", "2026-11-23T10:00:00Zjunk",
        "２０２６-11-23T10:00:00Z", "2026-11-23T10:00:00+24:00", String(repeating: "9", count: 100),
    ])
    func refusesWhatIsNotAnInternetTime(_ text: String) {
        #expect(InternetTime.parse(text) == nil)
    }
}
