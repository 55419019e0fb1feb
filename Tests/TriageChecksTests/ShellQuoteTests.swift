import Foundation
import TestSupport
import Testing
import TriageChecks

/// Parameter values reach plugin scripts as data, never as code — checked with the real /bin/sh.
@Suite struct ShellQuoteTests {
    static let hostile = [
        "80%", "", "it's", "a'b'c", "x; touch PWNED", "$(touch PWNED)", "`touch PWNED`", "line1\nline2; touch PWNED",
        "'; touch PWNED; echo '", "\\'", "$HOME", "*", "tab\there", "ünïcödé ✓", "--option", "a\"b",
    ]

    @Test(arguments: hostile)
    func aValueRoundTripsThroughShAsData(_ value: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("quote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let assignment = try #require(ShellQuote.assignment(parameter: "space_warn", value: value))
        #expect(assignment.hasPrefix("TRIAGE_SPACE_WARN="))
        let script = "\(assignment)\nprintf '%s' \"$TRIAGE_SPACE_WARN\"\n"
        let result = try Shell.run("/bin/sh", ["-c", "cd \(ShellQuote.quote(folder.path)) && \(script)"])
        #expect(result.status == 0)
        #expect(result.stdout == value)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("PWNED").path))
    }

    @Test func parameterNamesMustBeShellVariables() {
        #expect(ShellQuote.assignment(parameter: "exclude_types", value: "x") == "TRIAGE_EXCLUDE_TYPES='x'")
        #expect(ShellQuote.assignment(parameter: "a b", value: "x") == nil)
        #expect(ShellQuote.assignment(parameter: "x;rm", value: "x") == nil)
        #expect(ShellQuote.assignment(parameter: "1st", value: "x") == nil)
        #expect(ShellQuote.assignment(parameter: "", value: "x") == nil)
    }
}
