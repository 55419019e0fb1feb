import Foundation
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

/// What an attached diagnosis does to its ticket: the on-site flag, vendor suggestions, a higher
/// tier, the skills of the failing plugins, and assignment re-run when the assignee no longer fits.
@Suite struct DiagnosisEffectsTests {
    static func report(disk: CheckStatus = .critical, network: CheckStatus = .ok, id: UUID = UUID(), host: String = "web1") -> String {
        let report = DiagnosticReport(
            id: id, host: host, startedAt: Date(timeIntervalSince1970: 1_795_000_000), durationMs: 40, agentVersion: "0.1.0",
            checks: [
                CheckResult(
                    plugin: "disk", item: "sda", status: disk, summary: "SMART: 12 reallocated sectors", metrics: [], durationMs: 12,
                    skills: ShippedPlugins.skills["disk"]),
                CheckResult(
                    plugin: "network", item: "gateway", status: network, summary: "answers", metrics: [], durationMs: 3,
                    skills: ShippedPlugins.skills["network"]),
            ],
            recommendation: Recommendation(
                onsite: true, vendors: ["Dell"], tier: 2,
                reasons: [
                    .init(plugin: "disk", item: "sda", flag: .onsite, reason: "SMART failing: replace the disk"),
                    .init(plugin: "disk", item: "sda", flag: .vendor, reason: "under Dell warranty", vendor: "Dell"),
                    .init(plugin: "disk", item: "sda", flag: .tier, reason: "RAID rebuild needs tier 2", tier: 2),
                ]))
        return String(decoding: try! DiagnosticReport.encoder.encode(report), as: UTF8.self)
    }

    static let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")

    @Test func aDiagnosisFlagsEscalatesAsksForSkillsAndReassigns() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let una = try await client.post(
                    "/api/v1/technicians",
                    #"{"name": "Una", "tier": 1, "skills": ["network"], "shifts": [\#(Self.always)]}"#
                ).id
                let sam = try await client.post(
                    "/api/v1/technicians",
                    #"{"name": "Sam", "tier": 2, "skills": ["network", "storage"], "shifts": [\#(Self.always)]}"#
                ).id
                let created = try await client.post("/api/v1/tickets", #"{"title": "web1 slow", "severity": 3, "hostId": \#(t.hostId)}"#)
                #expect(created.json["assigneeId"] as? Int == una)
                let id = created.id

                #expect(try await client.post("/api/v1/tickets/\(id)/diagnostics", Self.report(), as: .agent).status == .created)
                let ticket = try await client.get("/api/v1/tickets/\(id)").json
                let flags = try #require(ticket["flags"] as? [String: Any])
                #expect(flags["onsite"] as? Bool == true)
                #expect(flags["onsiteReasons"] as? [String] == ["disk/sda: SMART failing: replace the disk"])
                #expect(flags["vendorSuggestions"] as? [String] == ["Dell"])
                #expect(ticket["tier"] as? Int == 2)
                #expect(ticket["requiredSkills"] as? [String] == ["storage"])
                #expect(ticket["assigneeId"] as? Int == sam)

                var events = try await client.get("/api/v1/tickets/\(id)/events").items
                #expect(
                    events.map { $0["type"] as? String }.suffix(6)
                        == ["diagnostic_attached", "flagged", "vendor_case_suggested", "escalated", "skills_required", "assigned"])
                func data(_ type: String) -> [String: Any] {
                    events.last { $0["type"] as? String == type }?["data"] as? [String: Any] ?? [:]
                }
                #expect(data("vendor_case_suggested")["reasons"] as? [String] == ["disk/sda: under Dell warranty"])
                #expect(data("escalated")["reason"] as? String == "diagnosis; disk/sda: RAID rebuild needs tier 2")
                #expect(data("escalated")["to"] as? Int == 2)
                #expect((data("assigned")["trigger"] as? String)?.hasPrefix("diagnosis ") == true)
                #expect(data("assigned")["previousAssigneeId"] as? Int == una)

                // The same findings again: attached and recorded, nothing else changes.
                let before = events.count
                #expect(try await client.post("/api/v1/tickets/\(id)/diagnostics", Self.report(), as: .agent).status == .created)
                events = try await client.get("/api/v1/tickets/\(id)/events").items
                #expect(events.dropFirst(before).map { $0["type"] as? String } == ["diagnostic_attached"])

                // A network problem asks for a skill Sam has: no reassignment.
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/diagnostics", Self.report(network: .warning), as: .agent).status
                        == .created)
                events = try await client.get("/api/v1/tickets/\(id)/events").items
                #expect(events.dropFirst(before + 1).map { $0["type"] as? String } == ["diagnostic_attached", "skills_required"])
                #expect(try await client.get("/api/v1/tickets/\(id)").json["assigneeId"] as? Int == sam)

                // On a resolved ticket a diagnosis is only kept.
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"status": "resolved"}"#).status == .ok)
                let count = try await client.get("/api/v1/tickets/\(id)/events").items.count
                #expect(try await client.post("/api/v1/tickets/\(id)/diagnostics", Self.report(), as: .agent).status == .created)
                let last = try await client.get("/api/v1/tickets/\(id)/events").items.dropFirst(count)
                #expect(last.map { $0["type"] as? String } == ["diagnostic_attached"])
            }
        }
    }

    @Test func pluginSkillsComeFromTheConfiguration() throws {
        var configuration = CoordinatorConfiguration()
        try configuration.apply(yaml: "assignment:\n  pluginSkills: {disk: san, smart: hardware}", name: "triage.yaml")
        #expect(configuration.assignment.pluginSkills == ["disk": "san", "smart": "hardware"])
        var bad = CoordinatorConfiguration()
        try bad.apply(yaml: "assignment:\n  pluginSkills: {disk: \"two words\"}", name: "triage.yaml")
        #expect(throws: CoordinatorError.self) { try bad.validate() }
    }
}
