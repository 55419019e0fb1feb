import Foundation
import Testing
import TriageModel

@Suite struct CheckStatusTests {
    @Test func exitCodesFollowTheMonitoringPluginsAPI() {
        #expect(CheckStatus.allCases.map(\.exitCode) == [0, 1, 3, 2])
        for status in CheckStatus.allCases { #expect(CheckStatus(exitCode: status.exitCode) == status) }
        #expect(CheckStatus(exitCode: 4) == .unknown)
        #expect(CheckStatus(exitCode: -1) == .unknown)
        #expect(CheckStatus(exitCode: 127) == .unknown)
    }

    @Test func theWorstStatusIsTheMaximum() {
        #expect([CheckStatus.ok, .warning, .ok].max() == .warning)
        #expect([CheckStatus.warning, .unknown].max() == .unknown)
        #expect([CheckStatus.unknown, .critical, .warning].max() == .critical)
    }

    @Test func jsonSpellingIsLowercase() throws {
        let data = try JSONEncoder().encode([CheckStatus.ok, .warning, .critical, .unknown])
        #expect(String(decoding: data, as: UTF8.self) == #"["ok","warning","critical","unknown"]"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CheckStatus.self, from: Data(#""OK""#.utf8)) }
    }
}
