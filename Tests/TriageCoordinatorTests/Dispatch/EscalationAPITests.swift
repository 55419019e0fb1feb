import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Escalation, vendor cases, assignment on request and the notification feed through the API,
/// with the role rules; and the whole support process on one ticket as the test clock runs.
@Suite struct EscalationAPITests {
    /// Tier 1 Lin and tier 2 Max on shift in Berlin on weekdays 08:00–17:00, both with network.
    static func staff(_ client: TestCoordinator.Client) async throws -> (lin: Int, max: Int) {
        let shifts = (1...5).map { #"{"weekday": \#($0), "start": "08:00", "end": "17:00"}"# }.joined(separator: ", ")
        func body(_ name: String, _ tier: Int) -> String {
            #"{"name": "\#(name)", "tier": \#(tier), "skills": ["network"], "timeZone": "Europe/Berlin", "shifts": [\#(shifts)]}"#
        }
        return (
            try await client.post("/api/v1/technicians", body("Lin", 1)).id,
            try await client.post("/api/v1/technicians", body("Max", 2)).id
        )
    }

    static func events(_ client: TestCoordinator.Client, _ id: Int) async throws -> [[String: Any]] {
        try await client.get("/api/v1/tickets/\(id)/events?limit=200").items
    }

    static func data(_ event: [String: Any]?) -> [String: Any] { event?["data"] as? [String: Any] ?? [:] }

    @Test func aTicketShowsItsDueTimesAndAssignmentThenWarningBreachAndEscalation() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let staff = try await Self.staff(client)
                let created = try await client.post(
                    "/api/v1/tickets", #"{"title": "VPN down", "severity": 1, "requiredSkills": ["network"]}"#, as: .dispatcher)
                #expect(created.status == .created)
                #expect(created.json["status"] as? String == "assigned")
                #expect(created.json["assigneeId"] as? Int == staff.lin)
                #expect(created.json["responseDueAt"] as? String == "2026-11-18T11:21:40.000Z")
                #expect(created.json["resolveDueAt"] as? String == "2026-11-18T15:06:40.000Z")
                #expect(created.json["clockOwner"] as? String == "us")
                let assigned = try #require(try await Self.events(client, created.id).first { $0["type"] as? String == "assigned" })
                #expect(
                    Self.data(assigned)["reason"] as? String
                        == "Lin: tier 1 for a tier 1 ticket, skills network, on shift now, load 0 of 16; "
                        + "tied with Max on load, continuity and last assignment; the lower id decides")
                #expect((Self.data(assigned)["runnerUp"] as? [String: Any])?["name"] as? String == "Max")

                // Nobody answers. 11.25 minutes: respond warning; 15: breach; 3 h: resolve warning; 4 h: breach.
                for minutes in [12.0, 4, 165, 60] {
                    t.clock.advance(minutes: minutes)
                    try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now)
                }
                let history = try await Self.events(client, created.id)
                let sla = history.compactMap { event -> String? in
                    guard let type = event["type"] as? String, type.hasPrefix("sla_") else { return nil }
                    return "\(type) \(Self.data(event)["target"] as? String ?? "")"
                }
                #expect(sla == ["sla_warning respond", "sla_breach respond", "sla_warning resolve", "sla_breach resolve"])
                let escalated = try #require(history.first { $0["type"] as? String == "escalated" })
                #expect(escalated["actor"] as? String == "system:sla")
                #expect(Self.data(escalated)["to"] as? Int == 2)
                let reassigned = try #require(history.last { $0["type"] as? String == "assigned" })
                #expect(Self.data(reassigned)["assigneeId"] as? Int == staff.max)
                #expect(Self.data(reassigned)["trigger"] as? String == "escalated to tier 2 on a resolution breach")
                // Lin is below tier 2 now: the only eligible technician is Max. The response is
                // overdue, so being on shift now is what counts.
                #expect((Self.data(reassigned)["reason"] as? String)?.hasSuffix("the only eligible technician") == true)
                let ticket = try await client.get("/api/v1/tickets/\(created.id)").json
                #expect(ticket["tier"] as? Int == 2 && ticket["assigneeId"] as? Int == staff.max)
            }
        }
    }

    @Test func escalatingGoesOneTierUpToThreeOrToTheLead() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let staff = try await Self.staff(client)
                let id = try await client.post("/api/v1/tickets", #"{"title": "Router flaps", "severity": 2}"#).id
                let up = try await client.post("/api/v1/tickets/\(id)/escalate", #"{"to": "tier", "reason": "needs BGP"}"#)
                #expect(up.status == .ok)
                #expect(up.json["tier"] as? Int == 2 && up.json["assigneeId"] as? Int == staff.max)
                let events = try await Self.events(client, id)
                let escalated = try #require(events.first { $0["type"] as? String == "escalated" })
                #expect(Self.data(escalated)["kind"] as? String == "functional")
                #expect(Self.data(escalated)["reason"] as? String == "needs BGP")
                #expect(escalated["actor"] as? String == "admin:root")

                // Tier 3: nobody has it, so Max keeps the ticket and the lead hears why.
                let three = try await client.post("/api/v1/tickets/\(id)/escalate", #"{"to": "tier", "reason": "vendor bug?"}"#)
                #expect(three.json["tier"] as? Int == 3 && three.json["assigneeId"] as? Int == staff.max)
                let unassignable = try #require(try await Self.events(client, id).last)
                #expect(unassignable["type"] as? String == "unassignable")
                #expect((Self.data(unassignable)["reason"] as? String)?.contains("below tier 3") == true)
                let beyond = try await client.post("/api/v1/tickets/\(id)/escalate", #"{"to": "tier", "reason": "more"}"#)
                #expect(beyond.status == .conflict)
                #expect(beyond.errorMessage.contains("tier 3, the highest internal tier: open a vendor case"))

                let lead = try await client.post(
                    "/api/v1/tickets/\(id)/escalate", #"{"to": "lead", "reason": "customer is furious"}"#,
                    as: .dispatcher)
                #expect(lead.status == .ok && lead.json["tier"] as? Int == 3)
                // The desk hears of each, each person in their own list, but not of what they did:
                // root (the admin token) escalated to tier 3, Dora to the lead.
                let root = try #require(try await t.store.read { try await $0.user(login: "root") })
                let told = try await t.coordinator.notifications.list(unreadOnly: true, before: nil, limit: 10, by: root.principal).items
                #expect(told.map(\.kind) == [.escalated] && told.first?.ticketId == id)
                #expect(told.first?.text == "Escalated to the lead: customer is furious")
                let dora = try #require(try await t.store.read { try await $0.user(login: "dora") })
                let doras = try await t.coordinator.notifications.list(unreadOnly: false, before: nil, limit: 10, by: dora.principal).items
                #expect(doras.map(\.kind) == [.unassignable] && doras.first?.text.contains("below tier 3") == true)

                #expect(
                    try await client.post("/api/v1/tickets/\(id)/escalate", #"{"to": "manager", "reason": "x"}"#).status
                        == .unprocessableContent)
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/escalate", #"{"to": "lead", "reason": " "}"#).status
                        == .unprocessableContent)
                #expect(try await client.post("/api/v1/tickets/999/escalate", #"{"to": "lead", "reason": "x"}"#).status == .notFound)
            }
        }
    }

    @Test func escalationFollowsTheRoleRules() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let mine = try await client.post("/api/v1/tickets", #"{"title": "mine", "assigneeId": \#(t.technicianId)}"#).id
                let theirs = try await client.post("/api/v1/tickets", #"{"title": "theirs", "assigneeId": \#(t.otherTechnicianId)}"#).id
                let body = #"{"to": "tier", "reason": "beyond me"}"#
                #expect(try await client.post("/api/v1/tickets/\(theirs)/escalate", body, as: .technician).status == .forbidden)
                #expect(try await client.post("/api/v1/tickets/\(mine)/escalate", body, as: .agent).status == .forbidden)
                #expect(try await client.post("/api/v1/tickets/\(mine)/escalate", body, as: nil).status == .unauthorized)
                // Their own ticket: a technician may hand it up.
                let handed = try await client.post("/api/v1/tickets/\(mine)/escalate", body, as: .technician)
                #expect(handed.status == .ok && handed.json["tier"] as? Int == 2)
                #expect(try await client.send(.post, "/api/v1/tickets/\(mine)/assign", as: .technician).status == .forbidden)
                #expect(
                    try await client.send(.post, "/api/v1/tickets/\(mine)/assign", as: .dispatcher, json: #"{"to": 3}"#).status
                        == .unprocessableContent)
                _ = try await client.patch("/api/v1/tickets/\(theirs)", #"{"status": "resolved"}"#)
                #expect(try await client.send(.post, "/api/v1/tickets/\(theirs)/assign", as: .dispatcher).status == .conflict)
                #expect(try await client.post("/api/v1/tickets/\(theirs)/escalate", body).status == .conflict)
            }
        }
    }

    @Test func aVendorCaseHandsTheClockToTheVendorAndEveryChangeIsAnEvent() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "SAN controller", "severity": 2, "assigneeId": \#(t.technicianId)}"#
                ).id
                let opened = try await client.post(
                    "/api/v1/tickets/\(id)/vendor-case",
                    #"{"vendor": "Dell", "externalRef": "SR-4711", "vendorSeverity": "P1", "vendorDueAt": "2026-11-19T08:00:00Z"}"#,
                    as: .technician)
                #expect(opened.status == .ok)
                #expect(opened.json["status"] as? String == "waiting_vendor")
                #expect(opened.json["clockOwner"] as? String == "vendor")
                let vendorCase = try #require((opened.json["flags"] as? [String: Any])?["vendorCase"] as? [String: Any])
                #expect(vendorCase["vendor"] as? String == "Dell" && vendorCase["externalRef"] as? String == "SR-4711")
                #expect(vendorCase["vendorDueAt"] as? String == "2026-11-19T08:00:00.000Z")
                #expect(vendorCase["status"] as? String == "open")
                #expect(vendorCase["openedAt"] as? String == "2026-11-18T11:06:40.000Z")
                // waiting_vendor does not pause our clock by default: our due times stand.
                #expect(opened.json["resolveDueAt"] as? String == "2026-11-18T19:06:40.000Z")

                t.clock.advance(minutes: 90)
                let moved = try await client.post(
                    "/api/v1/tickets/\(id)/vendor-case",
                    #"{"vendor": "Dell", "status": "part shipped", "vendorDueAt": "2026-11-19T12:00:00Z"}"#)
                #expect(moved.status == .ok)
                let same = try await client.post("/api/v1/tickets/\(id)/vendor-case", #"{"vendor": "Dell", "status": "part shipped"}"#)
                #expect(same.body == moved.body)
                let other = try await client.post("/api/v1/tickets/\(id)/vendor-case", #"{"vendor": "HPE"}"#)
                #expect(other.status == .conflict && other.errorMessage.contains("already has a case with Dell"))

                let events = try await Self.events(client, id)
                let types = events.map { $0["type"] as? String ?? "" }.filter { $0.hasPrefix("vendor") || $0 == "status_changed" }
                #expect(types == ["vendor_case_opened", "status_changed", "vendor_case_updated"])
                let update = Self.data(events.last)
                #expect((update["status"] as? [String: Any])?["to"] as? String == "part shipped")
                #expect((update["vendorDueAt"] as? [String: Any])?["from"] as? String == "2026-11-19T08:00:00Z")
                #expect(update["externalRef"] == nil)

                // We take it back: the clock is ours again.
                let back = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "in_progress"}"#)
                #expect(back.json["clockOwner"] as? String == "us")
                #expect(try await client.post("/api/v1/tickets/\(id)/vendor-case", #"{"vendor": "Dell"}"#, as: .agent).status == .forbidden)
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/vendor-case", #"{"vendor": "Dell", "vendorDueAt": "soon"}"#).status
                        == .unprocessableContent)
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/vendor-case", #"{"externalRef": "x"}"#).status == .unprocessableContent)
            }
        }
    }
}
