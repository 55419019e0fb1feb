import Foundation
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// A diagnosis changes a ticket only through someone who may change it: a technician's diagnosis
/// on a colleague's ticket is information until the desk or the assignee applies it.
@Suite struct DiagnosisAccessTests {
    @Test func aColleaguesDiagnosisWaitsUntilSomeoneWhoMayAppliesIt() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let otto = t.otherTechnicianId
                let id = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "web1 slow", "hostId": \#(t.hostId), "assigneeId": \#(otto)}"#
                ).id
                let before = try await client.get("/api/v1/tickets/\(id)").json
                let reportId = UUID()
                let posted = try await client.post(
                    "/api/v1/tickets/\(id)/diagnostics",
                    DiagnosisEffectsTests.report(id: reportId), as: .technician)
                #expect(posted.status == .created, "\(posted.body)")
                #expect(posted.json["appliedAt"] == nil)
                // Nothing about the ticket moved: tier, assignee, flags, skills.
                let after = try await client.get("/api/v1/tickets/\(id)").json
                for field in ["tier", "assigneeId", "status", "requiredSkills"] {
                    #expect("\(after[field] ?? "nil")" == "\(before[field] ?? "nil")", "\(field)")
                }
                #expect((after["flags"] as? [String: Any])?["onsite"] as? Bool == false)
                let attached = try #require(try await client.get("/api/v1/tickets/\(id)/events").items.last)
                let data = try #require(attached["data"] as? [String: Any])
                #expect(attached["type"] as? String == "diagnostic_attached" && data["applied"] as? Bool == false)
                #expect((data["waiting"] as? String)?.hasPrefix("technician:tess may not change ticket \(id)") == true)

                // Tess may not apply it either; the dispatcher may, once.
                let apply = "/api/v1/tickets/\(id)/diagnostics/\(reportId.uuidString)/apply"
                #expect(try await client.send(.post, apply, as: .agent).status == .forbidden)
                #expect(try await client.send(.post, apply, as: nil).status == .unauthorized)
                let refused = try await client.send(.post, apply, as: .technician)
                #expect(refused.status == .forbidden && refused.errorMessage == "ticket \(id) is not assigned to you")
                #expect(try await client.get("/api/v1/tickets/\(id)").json["tier"] as? Int == 1)
                let applied = try await client.send(.post, apply, as: .dispatcher)
                #expect(applied.status == .ok, "\(applied.body)")
                #expect(applied.json["appliedBy"] as? String == "dispatcher:dora")
                let acted = try await client.get("/api/v1/tickets/\(id)").json
                #expect(acted["tier"] as? Int == 2)
                #expect((acted["flags"] as? [String: Any])?["onsite"] as? Bool == true)
                let types = try await client.get("/api/v1/tickets/\(id)/events").items.map { $0["type"] as? String }
                #expect(types.contains("diagnosis_applied") && types.contains("flagged") && types.contains("escalated"))
                let again = try await client.send(.post, apply, as: .dispatcher)
                #expect(again.status == .conflict && again.errorMessage.contains("was applied at"))
                #expect(try await client.send(.post, "/api/v1/tickets/\(id)/diagnostics/\(UUID().uuidString)/apply").status == .notFound)
                #expect(try await client.send(.post, "/api/v1/tickets/\(id)/diagnostics/nope/apply").status == .badRequest)
            }
        }
    }

    @Test func theAssigneesOwnDiagnosisActsAtOnce() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "web1 slow", "hostId": \#(t.hostId), "assigneeId": \#(t.technicianId)}"#
                ).id
                let posted = try await client.post("/api/v1/tickets/\(id)/diagnostics", DiagnosisEffectsTests.report(), as: .technician)
                #expect(posted.json["appliedBy"] as? String == "technician:tess")
                #expect((try await client.get("/api/v1/tickets/\(id)").json["flags"] as? [String: Any])?["onsite"] as? Bool == true)
            }
        }
    }

    @Test func anAgentsDiagnosisMustBeAboutItsOwnHost() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "web1 slow", "hostId": \#(t.hostId)}"#).id
                let other = try await client.post(
                    "/api/v1/tickets/\(id)/diagnostics", DiagnosisEffectsTests.report(host: "db1"), as: .agent)
                #expect(other.status == .forbidden)
                #expect(other.errorMessage == "this agent token is bound to host web1 (id \(t.hostId)); the report is about db1")
                #expect(try await client.get("/api/v1/tickets/\(id)/diagnostics").items.isEmpty)
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/diagnostics", DiagnosisEffectsTests.report(), as: .agent).status
                        == .created)
            }
        }
    }
}
