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

/// The queue as a table: sorting by each column, the filters a desk asks for (unassigned, a
/// customer by name, requester, tag, channel, breached or due soon), saved views with their
/// counts, and the CSV export.
@Suite struct QueueTableTests {
    typealias Visitor = BoardTests.Visitor

    static func rows(_ html: String) -> [Int] { html.matches(of: /<tr id="ticket-(\d+)"/).compactMap { Int($0.1) } }

    @Test func columnsSortBothWaysAndFiltersNarrow() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let beta = try await client.post("/api/v1/customers", #"{"name": "Beta Bakery"}"#).id
                let anna = try await client.post("/api/v1/contacts", #"{"name": "Anna", "customerId": \#(t.customerId)}"#).id
                let acme1 = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "Acme printer", "severity": 2, "customerId": \#(t.customerId), "requesterId": \#(anna), "tags": ["printer", "c++"], "channel": "phone"}"#
                ).id
                let acme2 = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "Acme VPN", "severity": 4, "customerId": \#(t.customerId), "assigneeId": \#(t.technicianId)}"#
                ).id
                let bakery = try await client.post(
                    "/api/v1/tickets", #"{"title": "Oven controller", "severity": 1, "customerId": \#(beta), "channel": "email"}"#
                ).id
                let loose = try await client.post("/api/v1/tickets", #"{"title": "Nobody's", "severity": 3}"#).id

                var visitor = Visitor(client: client.client)
                try await visitor.logIn(t.accounts[.dispatcher]!)
                let page = try await visitor.get("/board/queues")
                #expect(page.html.contains(#"<th scope="col" aria-sort="ascending"><a href="/board/queues?sort=due&amp;dir=desc">Due"#))
                #expect(page.html.contains("<td>Beta Bakery</td>") && page.html.contains("<td>Anna</td>"), "names, not ids")
                #expect(Self.rows(page.html) == [bakery, acme1, loose, acme2], "most urgent first")

                #expect(Self.rows(try await visitor.get("/board/queues?sort=customer").html) == [acme1, acme2, bakery, loose])
                #expect(
                    Self.rows(try await visitor.get("/board/queues?sort=customer&dir=desc").html) == [bakery, acme2, acme1, loose],
                    "no customer is last either way")
                #expect(Self.rows(try await visitor.get("/board/queues?sort=severity&dir=desc").html) == [acme2, loose, acme1, bakery])
                #expect(Self.rows(try await visitor.get("/board/queues?sort=title").html) == [acme1, acme2, loose, bakery])
                #expect(try await visitor.get("/board/queues?sort=colour").status == .badRequest)

                // Filters as the form sends them: spaces as +, the customer by the name the picker shows, any case.
                #expect(Self.rows(try await visitor.get("/board/queues?assignee=none").html).sorted() == [acme1, bakery, loose])
                let byName = try await visitor.get("/board/queues?customer=beta+bakery")
                #expect(Self.rows(byName.html) == [bakery] && byName.html.contains(#"value="Beta Bakery""#))
                #expect(Self.rows(try await visitor.get("/board/queues?customer=acme").html).sorted() == [acme1, acme2])
                let acmePage = try await visitor.get("/board/queues?customer=\(t.customerId)")
                #expect(acmePage.html.contains(#"<option value="\#(anna)">Anna</option>"#), "the customer's contacts as requesters")
                #expect(Self.rows(try await visitor.get("/board/queues?customer=Acme&requester=\(anna)").html) == [acme1])
                let unknown = try await visitor.get("/board/queues?customer=Gamma+Garage")
                #expect(unknown.status == .unprocessableContent && unknown.html.contains("no customer is called “Gamma Garage”"))
                #expect(Self.rows(try await visitor.get("/board/queues?tag=c%2B%2B").html) == [acme1])
                #expect(Self.rows(try await visitor.get("/board/queues?tag=print").html).isEmpty, "a tag is matched whole")
                #expect(Self.rows(try await visitor.get("/board/queues?channel=email").html) == [bakery])
                #expect(Self.rows(try await visitor.get("/board/queues?severity=1-2").html) == [bakery, acme1], "S1–S2")

                // S1 must be answered in 15 minutes, S2 in 60 (SLAPolicy.standard): 20 minutes on, the S1 is breached
                // and the S2 due within 60 minutes (in 40), the S3 not (in 3 h 40 min).
                t.clock.advance(minutes: 20)
                #expect(Self.rows(try await visitor.get("/board/queues?due=breached").html) == [bakery])
                #expect(Self.rows(try await visitor.get("/board/queues?due=15").html) == [bakery])
                #expect(Self.rows(try await visitor.get("/board/queues?due=60").html) == [bakery, acme1])
                #expect(try await visitor.get("/board/queues?due=soon").status == .badRequest)

                // "me": the technician's own; an account without a technician is told why not.
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                #expect(Self.rows(try await tess.get("/board/queues?assignee=me").html) == [acme2])
                #expect(try await visitor.get("/board/queues?assignee=me").status == .unprocessableContent)
            }
        }
    }

    @Test func savedViewsShowTheirCountsAndBelongToTheirOwner() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                _ = try await client.post("/api/v1/tickets", #"{"title": "one", "severity": 1}"#)
                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                _ = try await dora.get("/board/queues")
                _ = try await tess.get("/board/queues")

                // The desk shares "Unassigned S1"; Tess keeps "My S1" to herself.
                let shared = try await dora.post(
                    "/board/queues/views",
                    [("name", "Unassigned S1"), ("query", "severity=1&assignee=none&page=3"), ("shared", "on"), ("csrf", dora.csrf)])
                #expect(shared.status == .seeOther)
                let mine = try await tess.post(
                    "/board/queues/views", [("name", "My S1"), ("query", "assignee=me&severity=1"), ("csrf", tess.csrf)])
                #expect(mine.status == .seeOther)
                // A technician may not share; a view that cannot be shown is not saved.
                #expect(
                    try await tess.post("/board/queues/views", [("name", "All",), ("query", ""), ("shared", "on"), ("csrf", tess.csrf)])
                        .status
                        == .forbidden)
                #expect(
                    try await dora.post("/board/queues/views", [("name", "Mine"), ("query", "assignee=me"), ("csrf", dora.csrf)]).status
                        == .unprocessableContent)
                #expect(
                    try await dora.post("/board/queues/views", [("name", " "), ("query", ""), ("csrf", dora.csrf)]).status
                        == .unprocessableContent)

                let views = try await t.coordinator.tickets.savedViews(
                    by: t.coordinator.accounts.users(by: .console).first { $0.login == "tess" }!.principal)
                #expect(
                    views.map(\.name) == ["My S1", "Unassigned S1"] && views[1].query == "assignee=none&severity=1", "the page is not kept")
                let sharedId = views[1].id
                let mineId = views[0].id

                var page = try await tess.get("/board/queues")
                #expect(page.html.contains(#"id="view-count-\#(sharedId)">1<"#) && page.html.contains(#"id="view-count-\#(mineId)">0<"#))
                #expect(!(try await dora.get("/board/queues").html.contains("My S1")), "Tess's own view is hers")
                _ = try await client.post("/api/v1/tickets", #"{"title": "two", "severity": 1, "assigneeId": \#(t.technicianId)}"#)
                page = try await tess.get("/board/queues?" + views[0].query)
                #expect(page.html.contains(#"id="view-count-\#(sharedId)">1<"#) && page.html.contains(#"id="view-count-\#(mineId)">1<"#))
                #expect(page.html.contains(#"aria-current="page">My S1"#))

                // Only the desk deletes a shared view; nobody deletes another's.
                #expect(try await tess.post("/board/queues/views/\(sharedId)/delete", [("csrf", tess.csrf)]).status == .forbidden)
                #expect(try await dora.post("/board/queues/views/\(mineId)/delete", [("csrf", dora.csrf)]).status == .notFound)
                #expect(try await tess.post("/board/queues/views/\(mineId)/delete", [("csrf", tess.csrf)]).status == .seeOther)
                #expect(try await dora.post("/board/queues/views/\(sharedId)/delete", [("csrf", dora.csrf)]).status == .seeOther)
                #expect(
                    try await t.coordinator.tickets.savedViews(
                        by: t.coordinator.accounts.users(by: .console).first { $0.login == "tess" }!.principal
                    ).isEmpty)
            }
        }
    }

    @Test func theExportIsTheViewAsCSV() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "=HYPERLINK(\"x\"), \"quoted\"", "severity": 2, "customerId": \#(t.customerId)}"#
                ).id
                _ = try await client.post("/api/v1/tickets", #"{"title": "other", "severity": 4}"#)
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(t.accounts[.dispatcher]!)
                let page = try await visitor.get("/board/queues?severity=2")
                #expect(page.html.contains(#"href="/board/queues/export?severity=2""#))
                let csv = try await visitor.get("/board/queues/export?severity=2")
                #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"queue-") == true)
                let lines = csv.html.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.count == 2 && lines[0].hasPrefix("id,title,customer,requester,severity,status,assignee,due"))
                #expect(lines[1].hasPrefix(#"\#(id),"'=HYPERLINK(""x""), ""quoted""",Acme,,S2,new,,"#), "quoted, and no formula")
            }
        }
    }

    @Test func bulkActionsGoThroughEachTicketsOwnOperationAndRights() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let open1 = try await client.post("/api/v1/tickets", #"{"title": "first", "severity": 3}"#).id
                let open2 = try await client.post("/api/v1/tickets", #"{"title": "second", "severity": 3}"#).id
                let closed = try await client.post("/api/v1/tickets", #"{"title": "done", "severity": 3}"#).id
                _ = try await client.patch("/api/v1/tickets/\(closed)", #"{"status": "closed"}"#)
                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                let page = try await dora.get("/board/queues?closed=on")
                #expect(page.html.contains(#"name="ticket-\#(open1)""#) && page.html.contains(#"id="bulk-apply""#))

                let ticked = [open1, open2, closed].map { ("ticket-\($0)", "on") }
                let done = try await dora.post(
                    "/board/queues/bulk",
                    ticked + [
                        ("bulkAction", "assign"), ("bulkAssignee", "\(t.technicianId)"), ("back", "/board/queues?closed=on"),
                        ("csrf", dora.csrf),
                    ])
                #expect(done.status == .ok, "\(done.html.prefix(400))")
                #expect(done.html.contains("Assigned: 2 of 3 tickets."))
                let refusal = try #require(
                    done.html.components(separatedBy: #"<li id="bulk-\#(closed)" class="refused">"#).dropFirst().first?.components(
                        separatedBy: "</li>"
                    ).first)
                #expect(refusal.contains("not done: ") && refusal.contains("closed"), "the refusal in words: \(refusal)")
                for id in [open1, open2] {
                    #expect(try await client.get("/api/v1/tickets/\(id)").json["assigneeId"] as? Int == t.technicianId)
                }
                #expect(try await client.get("/api/v1/tickets/\(closed)").json["assigneeId"] == nil)

                // Tags and severity; a technician may not move another's ticket's severity, ticket by ticket.
                let tagged = try await dora.post(
                    "/board/queues/bulk", ticked.prefix(2) + [("bulkAction", "tag"), ("bulkTag", "printer"), ("csrf", dora.csrf)])
                #expect(tagged.html.contains("Tagged printer: 2 of 2 tickets."))
                #expect(try await client.get("/api/v1/tickets/\(open2)").json["tags"] as? [String] == ["printer"])
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                _ = try await tess.get("/board/queues")
                let before = try await client.get("/api/v1/tickets/\(open1)").body
                let theirs = try await tess.post(
                    "/board/queues/bulk",
                    [("ticket-\(open1)", "on"), ("bulkAction", "assign"), ("bulkAssignee", "none"), ("csrf", tess.csrf)])
                #expect(theirs.status == .ok && theirs.html.contains("Unassigned: 0 of 1 tickets."))
                #expect(try await client.get("/api/v1/tickets/\(open1)").body == before, "a refusal changes nothing")

                // Merging two ticked tickets into a third: each goes through the merge and its rights.
                let survivor = try await client.post("/api/v1/tickets", #"{"title": "the one to keep"}"#).id
                let merged = try await dora.post(
                    "/board/queues/bulk", ticked.prefix(2) + [("bulkAction", "merge"), ("bulkInto", "#\(survivor)"), ("csrf", dora.csrf)])
                #expect(merged.html.contains("Merged into #\(survivor): 2 of 2 tickets."))
                #expect(try await client.get("/api/v1/tickets/\(open1)").json["mergedInto"] as? Int == survivor)

                // Bad input: nothing ticked, no action, a resolution without its note.
                #expect(
                    try await dora.post("/board/queues/bulk", [("bulkAction", "tag"), ("bulkTag", "x"), ("csrf", dora.csrf)]).status
                        == .unprocessableContent)
                #expect(
                    try await dora.post("/board/queues/bulk", [("ticket-\(open1)", "on"), ("csrf", dora.csrf)]).status
                        == .unprocessableContent)
                #expect(
                    try await dora.post(
                        "/board/queues/bulk",
                        [("ticket-\(open1)", "on"), ("bulkAction", "status"), ("bulkStatus", "resolved"), ("csrf", dora.csrf)]
                    )
                    .status == .unprocessableContent)
                #expect(
                    try await dora.post("/board/queues/bulk", [("ticket-\(open1)", "on"), ("bulkAction", "tag"), ("bulkTag", "x")]).status
                        == .forbidden)
            }
        }
    }
}
