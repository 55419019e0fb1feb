import Foundation
import Testing
@testable import TriageCoordinator

/// The hand-written RFC 3339 parser against Foundation's own ISO 8601 parsing (to the
/// microsecond: the two round the sum of seconds and fraction differently in the last bit).
@Suite struct InternetTimeTests {
    func same(_ a: Date?, _ b: Date?) -> Bool {
        guard let a, let b else { return false }
        return abs(a.timeIntervalSince(b)) < 1e-6
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
        let offsets = ["2026-11-23T04:30:00+02:00": "2026-11-23T02:30:00Z", "2026-01-01T00:15:00-05:30": "2026-01-01T05:45:00Z",
                       "2024-02-29t23:59:59.5z": "2024-02-29T23:59:59.500Z"]
        for (text, utc) in offsets {
            #expect(same(InternetTime.parse(text), try style.parse(utc.contains(".") ? utc : utc.replacingOccurrences(of: "Z", with: ".000Z"))), "\(text)")
        }
    }

    @Test(arguments: ["", "2026-11-23", "2026-11-23T10:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                      "2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T10:00:60Z",
                      "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00+0200", "2026-11-23 10:00:00Z", "2026-11-23T10:00:00Zjunk",
                      "２０２６-11-23T10:00:00Z", "2026-11-23T10:00:00+24:00", String(repeating: "9", count: 100)])
    func refusesWhatIsNotAnInternetTime(_ text: String) {
        #expect(InternetTime.parse(text) == nil)
    }
}
