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

/// A technician taking work, reply texts with their placeholders, and visits moved from their page.
@Suite struct DeskWorkTests {
    typealias Visitor = BoardTests.Visitor

    static let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")

    /// The test's technician, Tess, at tier 2 and on shift every hour of the week.
    static func tessOnShiftAllWeek(_ client: TestCoordinator.Client, _ t: TestCoordinator) async throws {
        #expect(
            try await client.send(
                .put, "/api/v1/technicians/\(t.technicianId)", json: #"{"name": "Tess", "tier": 2, "shifts": [\#(always)]}"#
            )
            .status == .ok)
    }

    @Test func aTechnicianTakesAnUnassignedTicketTheyAreEligibleFor() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                try await Self.tessOnShiftAllWeek(client, t)
                // Unassigned as they would be when nobody was on shift to take them.
                let easy = try await client.post("/api/v1/tickets", #"{"title": "Password reset", "tier": 1}"#).id
                _ = try await client.patch("/api/v1/tickets/\(easy)", #"{"assigneeId": null}"#)
                let hard = try await client.post("/api/v1/tickets", #"{"title": "SAN controller", "tier": 3}"#).id
                _ = try await client.patch("/api/v1/tickets/\(hard)", #"{"assigneeId": null}"#)

                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                let page = try await tess.get("/board/tickets/\(easy)")
                #expect(page.html.contains(#"id="take" data-key="a""#))
                let taken = try await tess.post("/board/tickets/\(easy)/take", [("csrf", tess.csrf)])
                #expect(taken.status == .seeOther)
                let ticket = try await client.get("/api/v1/tickets/\(easy)").json
                #expect(ticket["assigneeId"] as? Int == t.technicianId && ticket["status"] as? String == "assigned")
                let event = try await client.get("/api/v1/tickets/\(easy)/events").items.last { $0["type"] as? String == "assigned" }
                #expect(((event?["data"] as? [String: Any])?["reason"] as? String)?.hasPrefix("taken by Tess: ") == true)
                #expect(!(try await tess.get("/board/tickets/\(easy)").html.contains(#"id="take""#)), "hers now: no button")

                // Not eligible: tier 3 is above her; the reason in words, nothing changes.
                let refused = try await client.post("/api/v1/tickets/\(hard)/take", "", as: .technician)
                #expect(
                    refused.status == .forbidden && refused.errorMessage.hasPrefix("you cannot take ticket \(hard): "), "\(refused.body)")
                #expect(refused.errorMessage.contains("tier"))
                #expect(try await client.get("/api/v1/tickets/\(hard)").json["assigneeId"] == nil)
                // Taken already; the desk's own accounts speak for no technician.
                #expect(try await client.post("/api/v1/tickets/\(easy)/take", "", as: .technician).status == .conflict)
                #expect(try await client.post("/api/v1/tickets/\(hard)/take", "", as: .dispatcher).status == .forbidden)
            }
        }
    }

    @Test func theDeskCanTurnTakingOff() async throws {
        var policy = AssignmentPolicy()
        policy.techniciansTake = false
        try await TestCoordinator.with(assignment: policy) { t in
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "Anything", "tier": 1}"#).id
                _ = try await client.patch("/api/v1/tickets/\(ticket)", #"{"assigneeId": null}"#)
                let refused = try await client.post("/api/v1/tickets/\(ticket)/take", "", as: .technician)
                #expect(refused.status == .forbidden && refused.errorMessage.contains("assignment.techniciansTake"))
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                #expect(!(try await tess.get("/board/tickets/\(ticket)").html.contains(#"id="take""#)), "no button when it is off")
            }
        }
    }

    @Test func replyTextsAreFilledInForTheTicketTheyAreInsertedInto() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let yuki = try await client.post(
                    "/api/v1/contacts", #"{"customerId": \#(t.customerId), "name": "Yuki Tanaka", "email": "yuki@acme.example"}"#
                ).id
                let ticket = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "VPN drops", "customerId": \#(t.customerId), "requesterId": \#(yuki), "assigneeId": \#(t.technicianId)}"#
                ).id
                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                _ = try await dora.get("/board/replies")
                #expect(try await tess.get("/board/replies").html.contains("No reply texts yet."))
                let shared = try await dora.post(
                    "/board/replies",
                    [
                        ("name", "Greeting"), ("body", "Hello {requester_first},\nabout {ticket} ({title}) at {customer}:"),
                        ("shared", "on"), ("csrf", dora.csrf),
                    ])
                #expect(shared.status == .seeOther)
                #expect(
                    try await tess.post("/board/replies", [("name", "Sig"), ("body", "Regards, {technician}"), ("csrf", tess.csrf)]).status
                        == .seeOther)
                #expect(
                    try await tess.post(
                        "/board/replies", [("name", "Mine to share"), ("body", "x"), ("shared", "on"), ("csrf", tess.csrf)]
                    ).status == .forbidden)
                let empty = try await tess.post("/board/replies", [("name", "Empty"), ("body", "  "), ("csrf", tess.csrf)])
                #expect(
                    empty.status == .unprocessableContent && empty.html.contains("body: must be 1 to 10 000 characters")
                        || empty.html.contains("must be 1 to 10 000"))

                let page = try await tess.get("/board/tickets/\(ticket)")
                #expect(page.html.contains("Hello Yuki,\nabout #\(ticket) (VPN drops) at Acme:"))
                #expect(page.html.contains("Regards, Tess"))
                let texts = try await t.coordinator.tickets.cannedReplies(
                    by: t.coordinator.accounts.users(by: .console).first { $0.login == "tess" }!.principal)
                #expect(texts.map(\.name) == ["Sig", "Greeting"], "her own first, then the shared ones")
                // Without JavaScript: the page again with the text in the reply box.
                let inserted = try await tess.get("/board/tickets/\(ticket)?canned=\(texts[1].id)")
                #expect(inserted.html.contains(">Hello Yuki,\nabout #\(ticket) (VPN drops) at Acme:</textarea>"))
                // Dora does not see Tess's own; only the desk deletes the shared one.
                #expect(!(try await dora.get("/board/replies").html.contains("Regards, {technician}")))
                #expect(try await tess.post("/board/replies/\(texts[1].id)/delete", [("csrf", tess.csrf)]).status == .forbidden)
                #expect(try await dora.post("/board/replies/\(texts[0].id)/delete", [("csrf", dora.csrf)]).status == .notFound)
                #expect(try await dora.post("/board/replies/\(texts[1].id)/delete", [("csrf", dora.csrf)]).status == .seeOther)
            }
        }
    }

    @Test func aBookedVisitIsMovedOrCancelledFromItsPageWithBookingsChecks() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                try await Self.tessOnShiftAllWeek(client, t)
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "Replace the disk", "hostId": \#(t.hostId)}"#).id
                let other = try await client.post("/api/v1/tickets", #"{"title": "Cable the rack", "hostId": \#(t.hostId)}"#).id
                let clock = BoardClock(zone: TimeZone(identifier: "UTC")!, now: t.clock.now)
                let tomorrow = clock.date(t.clock.now + 86_400)
                func book(_ ticket: Int, _ from: String, _ to: String) async throws -> Int {
                    try await client.post(
                        "/api/v1/visits",
                        #"{"ticketId": \#(ticket), "technicianId": \#(t.technicianId), "start": "\#(tomorrow)T\#(from):00Z", "end": "\#(tomorrow)T\#(to):00Z"}"#
                    ).id
                }
                let visit = try await book(ticket, "09:00", "10:00")
                _ = try await book(other, "13:00", "14:00")

                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                let board = try await dora.get("/board")
                #expect(
                    board.html.contains(#"id="timeline-visit-\#(visit)" href="/board/visits/\#(visit)""#), "the timeline leads to the visit"
                )
                let page = try await dora.get("/board/visits/\(visit)")
                #expect(page.html.contains(#"id="reschedule""#) && page.html.contains(#"value="09:00""#))
                // Into the other visit: refused with the reason, nothing moves.
                let clash = try await dora.post(
                    "/board/visits/\(visit)/reschedule",
                    [("day", tomorrow), ("start", "13:30"), ("end", "14:30"), ("technicianId", "\(t.technicianId)"), ("csrf", dora.csrf)])
                #expect(clash.status == .conflict && clash.html.contains("Not moved: "), "\(clash.html.prefix(200))")
                #expect(clash.html.contains(#"value="13:30""#), "what was typed stays")
                #expect((try await client.get("/api/v1/visits/\(visit)").json["start"] as? String)?.hasPrefix("\(tomorrow)T09:00") == true)
                let moved = try await dora.post(
                    "/board/visits/\(visit)/reschedule",
                    [("day", tomorrow), ("start", "11:00"), ("end", "12:30"), ("technicianId", "\(t.technicianId)"), ("csrf", dora.csrf)])
                #expect(moved.status == .seeOther && moved.location == "/board/tickets/\(ticket)?visit=\(visit)#visits")
                #expect((try await client.get("/api/v1/visits/\(visit)").json["start"] as? String)?.hasPrefix("\(tomorrow)T11:00") == true)
                #expect(
                    try await client.get("/api/v1/tickets/\(ticket)/events").items.contains { $0["type"] as? String == "visit_rescheduled" }
                )
                #expect(
                    try await dora.post(
                        "/board/visits/\(visit)/reschedule",
                        [("day", "tomorrow"), ("start", "11:00"), ("end", "12:00"), ("csrf", dora.csrf)]
                    ).status == .unprocessableContent)
                // A technician sees her visit but does not move it.
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                let hers = try await tess.get("/board/visits/\(visit)")
                #expect(hers.status == .ok && !hers.html.contains(#"id="reschedule""#))
                #expect(
                    try await tess.post(
                        "/board/visits/\(visit)/reschedule", [("day", tomorrow), ("start", "15:00"), ("end", "16:00"), ("csrf", tess.csrf)]
                    ).status == .forbidden)
                // Cancel from the page.
                #expect(
                    try await dora.post("/board/visits/\(visit)/status", [("status", "cancelled"), ("csrf", dora.csrf)]).status == .seeOther
                )
                #expect(try await client.get("/api/v1/visits/\(visit)").json["status"] as? String == "cancelled")
            }
        }
    }
}
