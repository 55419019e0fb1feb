import Testing

@testable import TriageSSH

/// The marker parser must survive whatever a host's shell start-up files print before it.
@Suite struct ProcessGroupMarkerTests {
    static func marker(_ digits: String) -> [UInt8] { Array("\u{1e}triage-pgid:\(digits)\u{1e}\n".utf8) }

    @Test func aHostileHugeMarkerIsSkippedNotATrap() {
        // 20 digits overflowed `pgid * 10 + digit` and trapped, ending the whole sweep.
        let hostile = Self.marker("99999999999999999999")
        #expect(ProcessGroupMarker.find(in: hostile) == nil)
        #expect(ProcessGroupMarker.find(in: Self.marker("4294967296")) == nil)  // past pid_t
        let real = Self.marker("4242")
        var stderr = Array("motd\n".utf8) + hostile + real + Array("oops\n".utf8)
        let found = ProcessGroupMarker.find(in: stderr)
        #expect(found?.pgid == 4242)
        ProcessGroupMarker.strip(&stderr)
        #expect(stderr == Array("motd\n".utf8) + hostile + Array("oops\n".utf8))
    }

    @Test func falseMarkersBeforeTheRealOneDoNotHideIt() {
        for noise in ["", "1", "x", "12a", "0", "1"] {
            let stderr = Array("\u{1e}triage-pgid:\(noise)".utf8) + Self.marker("777")
            #expect(ProcessGroupMarker.find(in: stderr)?.pgid == 777, "\(noise)")
        }
    }
}
