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

/// Time on tickets: logged on the ticket's page, from the reply box and through the API; the
/// month per customer and its CSV for the desk.
@Suite struct TimeEntriesTests {
    typealias Visitor = BoardTests.Visitor

    @Test func timeLoggedOnThePageAndWithAReplyAddsUpPerCustomerAndMonth() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "Printer, again", "customerId": \#(t.customerId), "assigneeId": \#(t.technicianId)}"#
                ).id
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                let page = try await tess.get("/board/tickets/\(id)")
                #expect(page.html.contains("No time logged yet.") && page.html.contains(#"id="log-time""#))
                #expect(page.html.contains(#"id="reply-minutes""#))

                let logged = try await tess.post(
                    "/board/tickets/\(id)/time",
                    [("minutes", "25"), ("note", "Replaced the fuser"), ("billable", "on"), ("csrf", tess.csrf)])
                #expect(logged.status == .seeOther && logged.location?.hasSuffix("#time") == true)
                let replied = try await tess.post(
                    "/board/tickets/\(id)/comments",
                    [("body", "Fixed, please try"), ("visibility", "public"), ("minutes", "10"), ("csrf", tess.csrf)])
                #expect(replied.status == .seeOther)
                // Not billed: the checkbox left unticked.
                _ = try await tess.post("/board/tickets/\(id)/time", [("minutes", "5"), ("note", "Paperwork"), ("csrf", tess.csrf)])
                let after = try await tess.get("/board/tickets/\(id)")
                #expect(after.html.contains("40 min in all, 35 min billable."))
                #expect(after.html.contains("Tess · <strong>25 min</strong> — Replaced the fuser"))
                #expect(after.html.contains("Reply: Fixed, please try") && after.html.contains("(not billed) — Paperwork"))

                // Bad input: no minutes, too many, a ticket that does not exist.
                #expect(
                    try await tess.post("/board/tickets/\(id)/time", [("minutes", "0"), ("csrf", tess.csrf)]).status
                        == .unprocessableContent)
                #expect(
                    try await tess.post("/board/tickets/\(id)/time", [("minutes", "1441"), ("csrf", tess.csrf)]).status
                        == .unprocessableContent)
                #expect(
                    try await tess.post("/board/tickets/\(id)/time", [("minutes", "ten"), ("csrf", tess.csrf)]).status
                        == .unprocessableContent)
                #expect(try await tess.post("/board/tickets/999/time", [("minutes", "5"), ("csrf", tess.csrf)]).status == .notFound)

                // The API: the same entries; one more, not billable.
                let api = try await client.post(
                    "/api/v1/tickets/\(id)/time", #"{"minutes": 15, "note": "Remote session", "billable": false}"#)
                #expect(api.status == .created && api.json["minutes"] as? Int == 15 && api.json["billable"] as? Bool == false)
                let items = try await client.get("/api/v1/tickets/\(id)/time").items
                #expect(items.map { $0["minutes"] as? Int } == [25, 10, 5, 15])
                #expect(items.first?["technicianId"] as? Int == t.technicianId)
                #expect(try await client.post("/api/v1/tickets/\(id)/time", #"{"minutes": -5}"#).status == .unprocessableContent)
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/time", #"{"minutes": 5, "colour": "red"}"#).status == .unprocessableContent
                )

                // The desk's month: Acme's billable 35 min, 20 min not billed; the CSV has every entry.
                let month = String(BoardClock(zone: TimeZone(identifier: "UTC")!, now: t.clock.now).date(t.clock.now).prefix(7))
                var dora = Visitor(client: client.client)
                try await dora.logIn(t.accounts[.dispatcher]!)
                let summary = try await dora.get("/board/time?month=\(month)")
                #expect(summary.status == .ok)
                #expect(summary.html.contains(#">Acme</a></td><td>35 min</td><td>20 min</td><td>4</td>"#))
                let entries = try await dora.get("/board/time?month=\(month)&customer=\(t.customerId)")
                #expect(entries.html.contains("Replaced the fuser") && entries.html.contains("Remote session"))
                let csv = try await dora.get("/board/time/export?month=\(month)")
                let lines = csv.html.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(lines.first == "date,customer,ticket,title,technician,minutes,billable,note" && lines.count == 5)
                #expect(lines.contains { $0.hasSuffix(#",Acme,\#(id),"Printer, again",Tess,25,yes,Replaced the fuser"#) })
                #expect(try await dora.get("/board/time?month=2026-13").status == .badRequest)
                #expect(try await dora.get("/board/time?month=1999-01").html.contains("No time was logged in 1999-01."))
                // The month is what the customer pays: the desk's alone.
                #expect(try await tess.get("/board/time").status == .forbidden)
            }
        }
    }
}
