import Foundation
import Testing
import TriageModel

/// The report's own JSON writer (`DiagnosticReport.json`, what the agent posts, spools and prints)
/// against JSONEncoder with the wire format's settings: the same bytes, and the same report back.
@Suite struct DiagnosticReportJSONTests {
    static func sample(_ seed: UInt64) -> DiagnosticReport {
        var generator = Seeded(state: seed)
        let texts = [
            "plain", "with \"quotes\" and \\ backslash", "/var/lib/triage/spool", "tab\tnew\nline\r", "\u{1}\u{1f}\u{7f} bell\u{7}",
            "ümlaut é 漢字 🧯", "", "'single' and `back`", "form\u{0C}feed\u{08}",
        ]
        func text() -> String { texts[Int(generator.next() % UInt64(texts.count))] }
        func number() -> Double {
            [0, 96, -3, 0.5, 1.25e-7, 123_456_789.125, 1e20, 2.5, 100, 0.001][Int(generator.next() % 10)]
        }
        let checks = (0..<Int(generator.next() % 4)).map { index in
            CheckResult(
                plugin: text(), item: "item \(index) \(text())", status: CheckStatus.allCases[Int(generator.next() % 4)],
                summary: text(), longOutput: index % 2 == 0 ? text() : nil,
                metrics: (0..<Int(generator.next() % 3)).map { _ in
                    Metric(
                        name: text(), value: generator.next() % 5 == 0 ? nil : number(), unit: index == 1 ? "%" : nil,
                        warn: index == 0 ? "80" : nil, crit: "@10:20", min: index == 2 ? nil : number(), max: number())
                },
                durationMs: Int(generator.next() % 5000), skills: index == 1 ? ["storage", text()] : nil)
        }
        let reasons = [
            Recommendation.Reason(plugin: "disk", item: text(), flag: .tier, reason: text(), tier: 2),
            Recommendation.Reason(plugin: "services", item: "unit x", flag: .vendor, reason: text(), vendor: text()),
        ]
        return DiagnosticReport(
            host: text(), startedAt: Date(timeIntervalSince1970: Double(1_765_000_000 + generator.next() % 1_000_000)),
            durationMs: Int(generator.next() % 10_000), agentVersion: "0.1.0", checks: checks,
            recommendation: Recommendation(
                onsite: generator.next() % 2 == 0, vendors: [text()],
                tier: generator.next() % 2 == 0 ? 1 : nil, reasons: reasons),
            errors: generator.next() % 2 == 0 ? [ReportError(plugin: "network", message: text()), ReportError(message: text())] : [])
    }

    @Test func theWriterWritesWhatJSONEncoderWrites() throws {
        for seed in 1...300 as ClosedRange<UInt64> {
            let report = Self.sample(seed)
            let encoded = try DiagnosticReport.encoder.encode(report)
            #expect(String(decoding: report.json, as: UTF8.self) == String(decoding: encoded, as: UTF8.self), "seed \(seed)")
            #expect(try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(report.json)) == report, "seed \(seed)")
        }
    }

    /// JSONEncoder refuses a report with a NaN metric (a plugin printed "nan"); the writer leaves the
    /// value out, as one the plugin could not give, and the report still goes.
    @Test func aValueThatIsNotANumberIsLeftOut() throws {
        let report = DiagnosticReport(
            host: "h", startedAt: Date(timeIntervalSince1970: 0), durationMs: 1, agentVersion: "0.1.0",
            checks: [
                CheckResult(
                    plugin: "p", item: "i", status: .ok, summary: "s",
                    metrics: [Metric(name: "m", value: .nan, max: .infinity)])
            ])
        let decoded = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(report.json))
        #expect(decoded.checks.first?.metrics == [Metric(name: "m", value: nil)])
    }

    struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
