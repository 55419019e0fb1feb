import Foundation
import HTTPTypes
import TestSupport
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Diagnoses on tickets: attached once per report id, and an agent only for its own host.
@Suite struct DiagnosticsAPITests {
    static func report(id: UUID = UUID(), host: String = "web1") -> String {
        let report = DiagnosticReport(
            id: id, host: host, startedAt: Date(timeIntervalSince1970: 1_795_000_000), durationMs: 40, agentVersion: "0.1.0",
            checks: [
                CheckResult(
                    plugin: "disk", item: "/var", status: .critical, summary: "97% used", metrics: [], durationMs: 12,
                    skills: ShippedPlugins.skills["disk"]),
                CheckResult(plugin: "services", item: "cron", status: .ok, summary: "running", metrics: [], durationMs: 3),
            ],
            recommendation: Recommendation(
                onsite: true, reasons: [.init(plugin: "disk", item: "sda", flag: .onsite, reason: "SMART failing")]))
        return String(decoding: try! DiagnosticReport.encoder.encode(report), as: UTF8.self)
    }

    @Test func anAgentAttachesToItsHostsTicketsOnceAndNowhereElse() async throws {
        try await TestCoordinator.with { t in
            let (host, other) = (t.hostId, t.otherHostId)
            try await t.test { client in
                let mine = try await client.post("/api/v1/tickets", #"{"title": "web1 slow", "hostId": \#(host)}"#).id
                let theirs = try await client.post("/api/v1/tickets", #"{"title": "db1 slow", "hostId": \#(other)}"#).id
                let hostless = try await client.post("/api/v1/tickets", #"{"title": "question"}"#).id
                let id = UUID()
                let body = Self.report(id: id)

                let attached = try await client.post("/api/v1/tickets/\(mine)/diagnostics", body, as: .agent)
                #expect(attached.status == .created, "\(attached.body)")
                #expect(attached.json["postedBy"] as? String == "agent:web1-agent")
                let again = try await client.post("/api/v1/tickets/\(mine)/diagnostics", body, as: .agent)
                #expect(again.status == .ok)
                #expect(again.body == attached.body)

                let elsewhere = try await client.post("/api/v1/tickets/\(theirs)/diagnostics", Self.report(), as: .agent)
                #expect(elsewhere.status == .forbidden)
                #expect(elsewhere.errorMessage.contains("bound to host \(host)"))
                #expect(try await client.post("/api/v1/tickets/\(hostless)/diagnostics", Self.report(), as: .agent).status == .forbidden)
                #expect(try await client.get("/api/v1/tickets/\(mine)/diagnostics", as: .agent).status == .forbidden)

                // A technician attaches anywhere; the same report id on another ticket is a conflict.
                #expect(try await client.post("/api/v1/tickets/\(theirs)/diagnostics", Self.report(), as: .technician).status == .created)
                let moved = try await client.post("/api/v1/tickets/\(theirs)/diagnostics", body, as: .technician)
                #expect(moved.status == .conflict)

                let listed = try await client.get("/api/v1/tickets/\(mine)/diagnostics", as: .technician)
                let report = try #require(listed.items.first?["report"] as? [String: Any])
                #expect(listed.items.count == 1)
                #expect(report["id"] as? String == id.uuidString)
                #expect((report["checks"] as? [[String: Any]])?.map { $0["item"] as? String } == ["/var", "cron"])

                let events = try await client.get("/api/v1/tickets/\(mine)/events").items
                // The diagnosis acts too (DiagnosisEffectsTests); nobody here is on shift to take it.
                #expect(
                    events.map { $0["type"] as? String }
                        == ["created", "unassignable", "diagnostic_attached", "flagged", "skills_required", "unassignable"])
                let data = try #require(events.first { $0["type"] as? String == "diagnostic_attached" }?["data"] as? [String: Any])
                #expect(data["problems"] as? [String] == ["disk//var: critical"])
                #expect(data["onsite"] as? Bool == true)

                let garbage = try await client.post("/api/v1/tickets/\(mine)/diagnostics", #"{"id": "not-a-uuid"}"#, as: .agent)
                #expect(garbage.status == .unprocessableContent)
                // Skills are written as a ticket's required skills are: one word of up to 64 characters.
                for bad in [#"["two words"]"#, "[\"\(String(repeating: "x", count: 65))\"]", #"[""]"#] {
                    let report = Self.report()
                    let skilled = report.replacingOccurrences(of: #""skills":["storage"]"#, with: #""skills":\#(bad)"#)
                    #expect(skilled != report)
                    let refused = try await client.post("/api/v1/tickets/\(mine)/diagnostics", skilled, as: .agent)
                    #expect(refused.status == .unprocessableContent, "\(bad): \(refused.body)")
                    #expect(refused.body.contains("checks.skills"))
                }
            }
        }
    }
}
