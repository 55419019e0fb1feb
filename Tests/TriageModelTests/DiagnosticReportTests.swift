import Foundation
import Testing
import TriageModel

@Suite struct DiagnosticReportTests {
    static let sample = DiagnosticReport(
        id: UUID(uuidString: "6F1C2A44-3B0E-4D2A-9C57-0A1B2C3D4E5F")!, host: "web1",
        startedAt: Date(timeIntervalSince1970: 1_795_000_000), durationMs: 412, agentVersion: "0.1.0",
        checks: [
            CheckResult(
                plugin: "disk", item: "fs /var", status: .critical, summary: "96% used",
                metrics: [Metric(name: "used", value: 96, unit: "%", warn: "80", crit: "90", min: 0, max: 100)], durationMs: 40),
            CheckResult(plugin: "disk", item: "smart sda", status: .ok, summary: "PASSED"),
        ],
        recommendation: Recommendation(
            tier: 1,
            reasons: [
                .init(plugin: "disk", item: "fs /var", flag: .tier, reason: "Filesystem nearly full: clean up remotely", tier: 1)
            ]),
        errors: [ReportError(plugin: "services", message: "timed out after 15 s")])

    @Test func theStatusIsTheWorstOfChecksAndErrors() {
        #expect(Self.sample.status == .critical)
        let onlyOK = DiagnosticReport(
            host: "h", startedAt: Date(), durationMs: 1, agentVersion: "x",
            checks: [CheckResult(plugin: "p", item: "i", status: .ok, summary: "")])
        #expect(onlyOK.status == .ok)
        var failed = onlyOK
        failed = DiagnosticReport(
            host: "h", startedAt: Date(), durationMs: 1, agentVersion: "x", checks: onlyOK.checks,
            errors: [ReportError(message: "auth failed")])
        #expect(failed.status == .unknown)
        #expect(DiagnosticReport(host: "h", startedAt: Date(), durationMs: 0, agentVersion: "x", checks: []).status == .ok)
    }

    @Test func jsonHasTheContractsFieldNamesAndISODates() throws {
        let data = try DiagnosticReport.encoder.encode(Self.sample)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == ["id", "host", "startedAt", "durationMs", "agentVersion", "status", "checks", "recommendation", "errors"])
        #expect(object["startedAt"] as? String == "2026-11-18T11:06:40Z")
        #expect(object["status"] as? String == "critical")
        let check = try #require((object["checks"] as? [[String: Any]])?.first)
        #expect(Set(check.keys) == ["plugin", "item", "status", "summary", "metrics", "durationMs"])
        let recommendation = try #require(object["recommendation"] as? [String: Any])
        #expect(recommendation["onsite"] as? Bool == false)
        #expect(recommendation["tier"] as? Int == 1)
    }

    @Test func itRoundTrips() throws {
        let data = try DiagnosticReport.encoder.encode(Self.sample)
        #expect(try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: data) == Self.sample)
    }

    @Test func garbageIsADecodingError() {
        for text in ["{}", "[]", #"{"id": "not-a-uuid"}"#, "not json"] {
            #expect(throws: (any Error).self) { try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(text.utf8)) }
        }
    }
}
