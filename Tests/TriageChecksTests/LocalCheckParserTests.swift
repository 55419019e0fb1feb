import Testing
import TriageChecks
import TriageModel

/// Checkmk local-check lines as Checkmk's documentation and its users write them.
@Suite struct LocalCheckParserTests {
    func one(_ line: String) throws -> CheckResult {
        let results = LocalCheckParser.parse(plugin: "local", output: line)
        try #require(results.count == 1)
        return results[0]
    }

    @Test func fixedStatusesBareAndQuotedItems() throws {
        let output = """
            0 myservice - This Check is OK
            1 "My 2nd service" count1=42|count2=21;23;27 This one is a warning
            2 "fs /var" used=96%;80;90;0;100 96% used\\nlargest: /var/log/syslog 4 GB\\nsecond: journal
            3 backup - cannot read status file
            """
        let results = LocalCheckParser.parse(plugin: "local", output: output)
        #expect(results.map(\.item) == ["myservice", "My 2nd service", "fs /var", "backup"])
        #expect(results.map(\.status) == [.ok, .warning, .critical, .unknown])
        #expect(results[0].summary == "This Check is OK" && results[0].metrics.isEmpty)
        #expect(results[1].metrics == [Metric(name: "count1", value: 42), Metric(name: "count2", value: 21, warn: "23", crit: "27")])
        #expect(results[2].summary == "96% used")
        #expect(results[2].longOutput == "largest: /var/log/syslog 4 GB\nsecond: journal")
        #expect(results[2].metrics[0] == Metric(name: "used", value: 96, unit: "%", warn: "80", crit: "90", min: 0, max: 100))
    }

    @Test func pDerivesTheStatusFromUpperLevels() throws {
        #expect(try one("P \"temp\" t=39;40;50 fine").status == .ok)
        #expect(try one("P \"temp\" t=40;40;50 at warn").status == .warning)  // value ≥ warn
        #expect(try one("P \"temp\" t=50;40;50 at crit").status == .critical)  // value ≥ crit
        #expect(try one("P \"temp\" t=45;40;50|u=60;70;80 worst of all").status == .warning)
        let result = try one("P disks d1=55;40;50|d2=10;40;50 two disks")
        #expect(result.status == .critical)
        #expect(result.summary == "two disks; d1 55 (critical)")
    }

    @Test func pWithLowerLevelsOnlyCritAndNoMetrics() throws {
        #expect(try one("P rate r=5;10:20;5:30 low").status == .warning)  // below the warn lower level
        #expect(try one("P rate r=4.9;10:20;5:30 lower").status == .critical)
        #expect(try one("P rate r=15;10:20;5:30 inside").status == .ok)
        #expect(try one("P rate r=25;10:20;5:30 above warn").status == .warning)
        #expect(try one("P only_crit v=70;;70 crit only").status == .critical)  // warn = crit
        #expect(try one("P only_crit v=69;;70 below").status == .ok)
        #expect(try one("P nothing - no metrics at all").status == .ok)
    }

    @Test func cachedPrefixAndUnitSuffixes() throws {
        let result = try one("cached(1700000000,600) 0 \"nightly backup\" size=12.5GB;;;0 done in 20min")
        #expect(result.item == "nightly backup")
        #expect(result.metrics == [Metric(name: "size", value: 12.5, unit: "GB", min: 0)])
        #expect(result.summary == "done in 20min")
        #expect(try one("P latency l=250ms;200;400 slow").status == .warning)
    }

    @Test func garbageBecomesOneUnknownItemThatKeepsTheText() {
        let output = "0 good - fine\nTraceback (most recent call last):\n  File \"x\", line 1\n7 bad - status seven\n"
        let results = LocalCheckParser.parse(plugin: "disk", output: output)
        #expect(results.count == 2)
        #expect(results[0].item == "good" && results[0].status == .ok)
        #expect(results[1].item == "output" && results[1].status == .unknown)
        #expect(results[1].summary.hasPrefix("3 line(s) of output are not local-check lines: Traceback"))
        #expect(results[1].longOutput == "Traceback (most recent call last):\n  File \"x\", line 1\n7 bad - status seven")
    }

    @Test func malformedLinesAreRejectedNotGuessed() {
        for line in [
            "0", "0 item", "P \"unterminated - x", "0 \"\" - empty item", "0 item m=;1 text", "0 item m=1;a:b text",
            "cached(1,2 0 item - x", "cached(a,b) 0 item - x", "OK item - text", "0 item m=1;2;3;4;5;6 text",
        ] {
            let results = LocalCheckParser.parse(plugin: "p", output: line)
            #expect(results.count == 1 && results[0].item == "output" && results[0].status == .unknown, "\(line)")
        }
    }

    @Test func emptyOutputIsUnknownNotOK() {
        let results = LocalCheckParser.parse(plugin: "p", output: "\n  \n")
        #expect(results.count == 1 && results[0].status == .unknown && results[0].summary == "the plugin printed nothing")
    }

    @Test func rawTextIsCapped() {
        let line = String(repeating: "x", count: 1000)
        let output = Array(repeating: line, count: 200).joined(separator: "\n")
        let results = LocalCheckParser.parse(plugin: "p", output: output)
        #expect(results[0].longOutput?.utf8.count == LocalCheckParser.rawLimit)
    }
}
