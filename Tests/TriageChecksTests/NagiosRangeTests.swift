import Testing
import TriageChecks

/// The Monitoring Plugins range syntax, with the inclusive ends the guidelines give.
@Suite struct NagiosRangeTests {
    func alerts(_ range: String, _ value: Double) throws -> Bool { try NagiosRange(parsing: range).alerts(value) }

    @Test func plainNumberMeansZeroToIt() throws {
        #expect(try !alerts("10", 0) && !alerts("10", 10) && !alerts("10", 5.5))
        #expect(try alerts("10", 10.01) && alerts("10", -0.5))
    }

    @Test func openEnds() throws {
        #expect(try alerts("10:", 9.99) && !alerts("10:", 10) && !alerts("10:", 1e9))
        #expect(try alerts("~:10", 10.5) && !alerts("~:10", 10) && !alerts("~:10", -1e9))
    }

    @Test func closedAndInvertedRanges() throws {
        #expect(try !alerts("10:20", 10) && !alerts("10:20", 20) && alerts("10:20", 9) && alerts("10:20", 21))
        #expect(
            try alerts("@10:20", 10) && alerts("@10:20", 20) && alerts("@10:20", 15) && !alerts("@10:20", 9.9) && !alerts("@10:20", 20.1))
        #expect(try alerts("-5:-1", 0) && !alerts("-5:-1", -3))
    }

    @Test func invalidRangesAreErrors() {
        #expect(throws: NagiosRange.ParseError.startAfterEnd("20:10")) { try NagiosRange(parsing: "20:10") }
        #expect(throws: NagiosRange.ParseError.empty) { try NagiosRange(parsing: "") }
        #expect(throws: NagiosRange.ParseError.empty) { try NagiosRange(parsing: "@") }
        #expect(throws: NagiosRange.ParseError.notANumber("ten")) { try NagiosRange(parsing: "ten") }
        #expect(throws: NagiosRange.ParseError.notANumber("x")) { try NagiosRange(parsing: "1:x") }
        #expect(throws: (any Error).self) { try NagiosRange(parsing: "inf") }
    }

    @Test func descriptionsRoundTrip() throws {
        for text in ["10", "10:", "~:10", "10:20", "@10:20", "-5:-1", "0.5:1.5"] {
            #expect(try NagiosRange(parsing: text).description == text)
        }
    }
}
