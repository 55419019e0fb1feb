import Foundation
import HTTPTypes
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Working a ticket on its page through the router: every form does what its API route does,
/// for the same roles; a refusal shows the API's sentence with its status; no form changes
/// anything without the session's CSRF token.
@Suite struct TicketActionsTests {
    typealias Visitor = BoardTests.Visitor

    static func ticket(_ client: TestCoordinator.Client, _ id: Int) async throws -> [String: Any] {
        try await client.get("/api/v1/tickets/\(id)").json
    }

    static func events(_ client: TestCoordinator.Client, _ id: Int) async throws -> [String] {
        try await client.get("/api/v1/tickets/\(id)/events?limit=200").items.compactMap { $0["type"] as? String }
    }

    @Test func aDispatcherWorksATicketFromItsPage() async throws {
        try await TestCoordinator.with { t in
            let (dora, tess, otto) = (t.accounts[.dispatcher]!, t.technicianId, t.otherTechnicianId)
            try await t.test { client in
                let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
                _ = try await client.send(
                    .put, "/api/v1/technicians/\(tess)", json: #"{"name": "Tess", "tier": 2, "shifts": [\#(always)]}"#)
                let id = try await client.post("/api/v1/tickets", #"{"title": "VPN drops", "severity": 3, "requiredSkills": ["network"]}"#)
                    .id
                var desk = Visitor(client: client.client)
                try await desk.logIn(dora)
                let page = try await desk.get("/board/tickets/\(id)")
                #expect(
                    page.html.contains(#"id="candidate-\#(tess)""#) && page.html.contains("not eligible: lacks network"),
                    "each technician says why they may not take it")
                func post(_ action: String, _ form: [(String, String)]) async throws -> Visitor.Page {
                    try await desk.post("/board/tickets/\(id)/\(action)", form + [("csrf", desk.csrf)])
                }

                #expect(
                    try await post("details", [("severity", "2"), ("tags", "vpn, remote"), ("requiredSkills", "")]).status == .seeOther)
                var ticket = try await Self.ticket(client, id)
                #expect(
                    ticket["severity"] as? Int == 2 && ticket["tags"] as? [String] == ["vpn", "remote"]
                        && (ticket["requiredSkills"] as? [String])?.isEmpty == true)
                _ = try await desk.get("/board/tickets/\(id)")
                #expect(try await post("assign", [("assignee", "\(otto)")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["assigneeId"] as? Int == otto)
                _ = try await desk.get("/board/tickets/\(id)")
                #expect(try await post("assign", [("assignee", "rules")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["assigneeId"] as? Int == tess, "Tess is on shift, Otto is not")

                #expect(try await post("comments", [("body", "Looking into it"), ("visibility", "internal")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["firstResponseAt"] == nil, "a note does not answer the customer")
                #expect(try await post("comments", [("body", "We are on it"), ("visibility", "public")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["firstResponseAt"] != nil, "a reply stops the response clock")
                #expect(try await post("status", [("status", "waiting_customer")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["status"] as? String == "waiting_customer")
                #expect(try await post("vendor-case", [("vendor", "Cisco"), ("externalRef", "SR-7"), ("status", "")]).status == .seeOther)
                #expect((try await Self.ticket(client, id)["flags"] as? [String: Any])?["vendorCase"] != nil)
                #expect(try await post("escalate", [("to", "tier"), ("reason", "needs routing know-how")]).status == .seeOther)
                ticket = try await Self.ticket(client, id)
                #expect(ticket["tier"] as? Int == 2)

                // A refusal shows the API's sentence with its status.
                let noNote = try await post("status", [("status", "resolved"), ("note", "")])
                #expect(noNote.status == .unprocessableContent && noNote.html.contains("note: must not be empty"))
                let reopenOpen = try await post("reopen", [("reason", "again")])
                #expect(reopenOpen.status == .conflict && reopenOpen.html.contains("not resolved or closed"))
                #expect(try await post("status", [("status", "resolved"), ("note", "Replaced the VPN profile")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["status"] as? String == "resolved")
                #expect(try await post("reopen", [("reason", "it drops again")]).status == .seeOther)
                #expect(try await Self.ticket(client, id)["status"] as? String != "resolved")
                let kinds = try await Self.events(client, id)
                for kind in ["comment", "status_changed", "reopened", "escalated", "vendor_case_opened", "assigned"] {
                    #expect(kinds.contains(kind), "\(kind) in \(kinds)")
                }
                let history = try await desk.get("/board/tickets/\(id)")
                #expect(history.html.contains("Resolved: Replaced the VPN profile"))
            }
        }
    }

    @Test func aTechnicianWorksOnlyTheirOwnTicketsAndNeverAssigns() async throws {
        try await TestCoordinator.with { t in
            let (tessAccount, tess) = (t.accounts[.technician]!, t.technicianId)
            try await t.test { client in
                let mine = try await client.post("/api/v1/tickets", #"{"title": "mine", "severity": 3, "assigneeId": \#(tess)}"#).id
                let theirs = try await client.post("/api/v1/tickets", #"{"title": "theirs", "severity": 3}"#).id
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(tessAccount)
                let page = try await visitor.get("/board/tickets/\(theirs)")
                #expect(
                    page.html.contains(#"id="reply-form""#) && !page.html.contains(#"id="resolve-form""#)
                        && !page.html.contains(#"id="assign-form""#))
                let before = try await Self.ticket(client, theirs)
                let forms: [(String, [(String, String)])] = [
                    ("status", [("status", "in_progress")]), ("acknowledge", []), ("escalate", [("to", "tier"), ("reason", "x")]),
                    ("vendor-case", [("vendor", "Dell")]), ("details", [("severity", "1")]), ("assign", [("assignee", "rules")]),
                ]
                for (action, form) in forms {
                    let answer = try await visitor.post("/board/tickets/\(theirs)/\(action)", form + [("csrf", visitor.csrf)])
                    #expect(answer.status == .forbidden, "\(action): \(answer.status)")
                }
                let after = try await Self.ticket(client, theirs)
                for field in ["status", "severity", "tier", "assigneeId", "firstResponseAt", "flags", "updatedAt"] {
                    #expect((before[field] as? NSObject) == (after[field] as? NSObject), "\(field) changed")
                }
                // Anyone may comment; on their own ticket they move it, but never reassign it.
                #expect(
                    try await visitor.post(
                        "/board/tickets/\(theirs)/comments",
                        [
                            ("body", "FYI"), ("visibility", "internal"),
                            ("csrf", visitor.csrf),
                        ]
                    ).status == .seeOther)
                _ = try await visitor.get("/board/tickets/\(mine)")
                #expect(
                    try await visitor.post("/board/tickets/\(mine)/status", [("status", "in_progress"), ("csrf", visitor.csrf)]).status
                        == .seeOther)
                #expect(try await Self.ticket(client, mine)["status"] as? String == "in_progress")
                let reassign = try await visitor.post("/board/tickets/\(mine)/assign", [("assignee", "none"), ("csrf", visitor.csrf)])
                #expect(reassign.status == .forbidden && reassign.html.contains("only a dispatcher or admin may change the assignee"))
                #expect(try await Self.ticket(client, mine)["assigneeId"] as? Int == tess)
            }
        }
    }

    @Test func noFormChangesAnythingWithoutTheSessionsCSRFToken() async throws {
        try await TestCoordinator.with { t in
            let dora = t.accounts[.dispatcher]!
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "quiet", "severity": 3}"#).id
                var desk = Visitor(client: client.client)
                try await desk.logIn(dora)
                _ = try await desk.get("/board/tickets/\(id)")
                let before = try await Self.events(client, id)
                let forms: [(String, [(String, String)])] = [
                    ("comments", [("body", "hi")]), ("status", [("status", "in_progress")]), ("acknowledge", []),
                    ("escalate", [("to", "lead"), ("reason", "x")]), ("vendor-case", [("vendor", "Dell")]),
                    ("details", [("severity", "1")]), ("assign", [("assignee", "rules")]), ("reopen", [("reason", "x")]),
                ]
                for (action, form) in forms {
                    #expect(try await desk.post("/board/tickets/\(id)/\(action)", form).status == .forbidden, "\(action)")
                    #expect(
                        try await desk.post("/board/tickets/\(id)/\(action)", form + [("csrf", "forged")]).status == .forbidden, "\(action)"
                    )
                }
                #expect(try await Self.events(client, id) == before)
            }
        }
    }
}
