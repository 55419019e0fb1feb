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

/// Merging a duplicate (history, time, requester and CCs move; mail to it threads to the
/// survivor; the search follows) and linking tickets, through the API and the ticket page.
@Suite struct MergeAndLinkTests {
    typealias Visitor = BoardTests.Visitor

    @Test func aMergedDuplicatesMessagesTimeAndMailGoToTheSurvivor() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let boss = try await client.post(
                    "/api/v1/contacts", #"{"customerId": \#(t.customerId), "name": "Bo Boss", "email": "boss@acme.example"}"#
                ).id
                let survivor = try await client.post(
                    "/api/v1/tickets", #"{"title": "Printer offline", "customerId": \#(t.customerId), "assigneeId": \#(t.technicianId)}"#
                ).id
                let duplicate = try #require(
                    try await client.mail(
                        MailFixture.message(from: "yuki@acme.example", subject: "Printer still offline", body: "The Xerox on floor 3.\n")
                    )
                    .json["ticketId"] as? Int)
                #expect(
                    try await client.patch("/api/v1/tickets/\(duplicate)", #"{"requesterId": \#(boss), "cc": ["it@acme.example"]}"#).status
                        == .ok)
                #expect(try await client.post("/api/v1/tickets/\(duplicate)/time", #"{"minutes": 10}"#).status == .created)
                let movedEvents = try await client.get("/api/v1/tickets/\(duplicate)/events?limit=200").items.count

                // Refused: into itself, into a ticket that does not exist, by a technician whose ticket it is not.
                #expect(
                    try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": \#(duplicate)}"#).status == .unprocessableContent
                )
                #expect(try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": 999}"#).status == .unprocessableContent)
                #expect(
                    try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": \#(survivor)}"#, as: .technician).status
                        == .forbidden)

                let merged = try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": \#(survivor)}"#)
                #expect(merged.status == .ok && merged.json["id"] as? Int == survivor)
                #expect(merged.json["cc"] as? [String] == ["boss@acme.example", "it@acme.example"], "its requester and CCs now copied")
                let closed = try await client.get("/api/v1/tickets/\(duplicate)").json
                #expect(closed["status"] as? String == "closed" && closed["mergedInto"] as? Int == survivor)
                let survivorEvents = try await client.get("/api/v1/tickets/\(survivor)/events?limit=200").items
                #expect(survivorEvents.contains { $0["type"] as? String == "mail_received" }, "the customer's mail moved")
                #expect(survivorEvents.filter { $0["type"] as? String == "merged" }.count == 1)
                let note = try #require(survivorEvents.last?["data"] as? [String: Any])
                #expect(note["moved"] as? Int == movedEvents && note["from"] as? Int == duplicate)
                #expect(try await client.get("/api/v1/tickets/\(survivor)/time").items.map { $0["minutes"] as? Int } == [10])
                #expect(try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": \#(survivor)}"#).status == .conflict)

                // The search finds the mail on the survivor now (and the duplicate by its own description, closed).
                let found = try await client.get("/api/v1/search?q=xerox").json["tickets"] as? [[String: Any]] ?? []
                let onSurvivor = found.first { ($0["ticket"] as? [String: Any])?["id"] as? Int == survivor }
                #expect(onSurvivor?["matchedIn"] as? String == "mail from yuki@acme.example", "\(found)")

                // Mail answering the duplicate threads to the survivor.
                let reply = try await client.mail(
                    MailFixture.message(
                        from: "yuki@acme.example", subject: "Re: [Triage #\(duplicate)] Printer still offline", body: "Any news?\n"))
                #expect(reply.json["ticketId"] as? Int == survivor, "\(reply.body)")

                // The page of the duplicate points at the survivor; merging from the page.
                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                let page = try await dora.get("/board/tickets/\(duplicate)")
                #expect(page.html.contains(#"This ticket was merged into <a href="/board/tickets/\#(survivor)">#\#(survivor)</a>"#))
                let third = try await client.post("/api/v1/tickets", #"{"title": "Printer again"}"#).id
                let form = try await dora.post("/board/tickets/\(third)/merge", [("into", "#\(survivor)"), ("csrf", dora.csrf)])
                #expect(form.status == .seeOther && form.location == "/board/tickets/\(survivor)#history")
                #expect(
                    try await dora.get("/board/tickets/\(survivor)").html.contains(
                        "Ticket #\(third) “Printer again” merged into #\(survivor)"))
                let refused = try await dora.post("/board/tickets/\(survivor)/merge", [("into", "#\(third)"), ("csrf", dora.csrf)])
                #expect(refused.status == .unprocessableContent && refused.html.contains("Not merged: "))
            }
        }
    }

    @Test func aDuplicateWithAVisitStillOnIsNotMerged() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let duplicate = try await client.post("/api/v1/tickets", #"{"title": "Scanner", "hostId": \#(t.hostId)}"#).id
                let survivor = try await client.post("/api/v1/tickets", #"{"title": "Scanner, first"}"#).id
                let now = t.clock.now
                let visit = try await t.store.write { session in
                    try await session.insertVisit(
                        Visit(
                            id: 0, ticketId: duplicate, technicianId: t.technicianId, siteId: t.siteId, start: now + 86_400,
                            end: now + 90_000,
                            status: .booked, notes: nil, createdAt: now, updatedAt: now)
                    ).id
                }
                let refused = try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": \#(survivor)}"#)
                #expect(refused.status == .conflict && refused.errorMessage.contains("visit \(visit) still booked"), "\(refused.body)")
                #expect(try await client.get("/api/v1/tickets/\(duplicate)").json["mergedInto"] == nil, "nothing moved")
                #expect(try await client.post("/api/v1/visits/\(visit)/status", #"{"status": "cancelled"}"#).status == .ok)
                #expect(try await client.post("/api/v1/tickets/\(duplicate)/merge", #"{"into": \#(survivor)}"#).status == .ok)
            }
        }
    }

    @Test func linksShowOnBothTicketsAndGoAway() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let outage = try await client.post("/api/v1/tickets", #"{"title": "Site outage"}"#).id
                let printer = try await client.post("/api/v1/tickets", #"{"title": "Printer down", "assigneeId": \#(t.technicianId)}"#).id
                let mail = try await client.post("/api/v1/tickets", #"{"title": "Mail down"}"#).id
                // Tess links her own ticket under the outage; she may not change the outage's other links.
                #expect(
                    try await client.post(
                        "/api/v1/tickets/\(printer)/links", #"{"other": \#(outage), "relation": "parent"}"#, as: .technician
                    ).status == .ok)
                #expect(
                    try await client.post("/api/v1/tickets/\(outage)/links", #"{"other": \#(mail), "relation": "child"}"#, as: .technician)
                        .status == .forbidden)
                #expect(
                    try await client.post("/api/v1/tickets/\(outage)/links", #"{"other": \#(mail), "relation": "child"}"#).status == .ok)
                #expect(
                    try await client.post("/api/v1/tickets/\(outage)/links", #"{"other": \#(outage), "relation": "related"}"#).status
                        == .unprocessableContent)
                #expect(
                    try await client.post("/api/v1/tickets/\(outage)/links", #"{"other": 999, "relation": "related"}"#).status
                        == .unprocessableContent)

                let links = try await client.get("/api/v1/tickets/\(outage)/links").items
                #expect(
                    Set(links.map { "\($0["ticketId"] as? Int ?? 0) \($0["relation"] as? String ?? "")" }) == [
                        "\(printer) child", "\(mail) child",
                    ])
                #expect(try await client.get("/api/v1/tickets/\(printer)/links").items.first?["relation"] as? String == "parent")

                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                let page = try await dora.get("/board/tickets/\(printer)")
                #expect(page.html.contains(#"parent: <a href="/board/tickets/\#(outage)">#\#(outage) Site outage</a>"#))
                #expect(try await dora.get("/board/tickets/\(outage)").html.contains("Linked to #\(printer) as its parent."))
                #expect(try await dora.post("/board/tickets/\(printer)/links/\(outage)/delete", [("csrf", dora.csrf)]).status == .seeOther)
                #expect(try await client.get("/api/v1/tickets/\(outage)/links").items.count == 1)
                #expect(try await client.send(.delete, "/api/v1/tickets/\(printer)/links/\(outage)").status == .notFound)
                let linked = try await dora.post(
                    "/board/tickets/\(printer)/links", [("other", "\(mail)"), ("relation", "related"), ("csrf", dora.csrf)])
                #expect(linked.status == .seeOther)
                #expect(try await dora.get("/board/tickets/\(mail)").html.contains(#"related: <a href="/board/tickets/\#(printer)">"#))
            }
        }
    }
}
