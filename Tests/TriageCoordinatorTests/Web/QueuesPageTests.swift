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

/// Queues: filters, most urgent first, and pages past the board's 500.
@Suite struct QueuesPageTests {
    typealias Visitor = BoardTests.Visitor

    @Test func filtersSortByUrgencyAndPagePastAHundred() async throws {
        try await TestCoordinator.with { t in
            let (tessAccount, tess, customer) = (t.accounts[.technician]!, t.technicianId, t.customerId)
            try await t.test { client in
                var ids: [Int: Int] = [:]  // id → severity
                for index in 0..<130 {
                    let severity = index % 4 + 1
                    let extra = index == 7 ? #", "assigneeId": \#(tess), "customerId": \#(customer)"# : ""
                    let id = try await client.post(
                        "/api/v1/tickets",
                        #"{"title": "Ticket \#(index)\#(index == 42 ? " printer" : "")", "severity": \#(severity)\#(extra)}"#
                    ).id
                    ids[id] = severity
                }
                let closed = try await client.post("/api/v1/tickets", #"{"title": "Done and dusted", "severity": 1}"#).id
                _ = try await client.patch("/api/v1/tickets/\(closed)", #"{"status": "closed"}"#)

                var visitor = Visitor(client: client.client)
                try await visitor.logIn(tessAccount)  // everyone who reads tickets may use the queues
                let first = try await visitor.get("/board/queues")
                #expect(first.status == .ok && first.html.contains("1–100 of 130, most urgent first"))
                let order = first.html.matches(of: /id="ticket-(\d+)"/).compactMap { Int($0.1) }
                #expect(order.count == 100 && !order.contains(closed))
                let severities = order.compactMap { ids[$0] }
                #expect(severities == severities.sorted(), "S1 before S2 … by due time")
                let next = try #require(first.html.firstMatch(of: /href="([^"]+)" id="next-page"/).map { String($0.1) })
                let second = try await visitor.get(next.replacingOccurrences(of: "&amp;", with: "&"))
                #expect(
                    second.html.contains("101–130 of 130") && second.html.contains(#"id="previous-page""#)
                        && !second.html.contains(#"id="next-page""#))
                #expect(Set(second.html.matches(of: /id="ticket-(\d+)"/).compactMap { Int($0.1) }).isDisjoint(with: order))

                #expect(try await visitor.get("/board/queues?severity=1").html.contains("of 33,"))
                #expect(try await visitor.get("/board/queues?q=PRINTER").html.contains("1–1 of 1"))
                let mine = try await visitor.get("/board/queues?assignee=\(tess)&customer=\(customer)")
                #expect(mine.html.contains("1–1 of 1") && mine.html.contains("Ticket 7"))
                let done = try await visitor.get("/board/queues?status=closed")
                #expect(done.html.contains(#"id="ticket-\#(closed)""#) && done.html.contains("1–1 of 1"))
                #expect(try await visitor.get("/board/queues?severity=9").status == .badRequest)
            }
        }
    }
}
