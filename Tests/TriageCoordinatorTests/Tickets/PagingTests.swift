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

/// What grows without end is read a page at a time: a host's reports (bounded by count and
/// bytes), a ticket's diagnoses (paged, capped per ticket, and shown a few at a time on the board).
@Suite struct PagingTests {
    @Test func aHostsReportsComeInPagesBoundedByCountAndBytes() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                var posted: [String] = []
                for _ in 0..<5 {
                    let id = UUID()
                    posted.append(id.uuidString)
                    _ = try await HealthReportTests.post(client, HealthReportTests.good, t, id: id)
                }
                var seen: [String] = []
                var cursor = ""
                var pages = 0
                repeat {
                    let page = try await client.get("/api/v1/hosts/\(t.hostId)/reports?limit=2&cursor=\(cursor)").json
                    seen += (page["items"] as? [[String: Any]] ?? []).compactMap { ($0["report"] as? [String: Any])?["id"] as? String }
                    cursor = page["nextCursor"] as? String ?? ""
                    pages += 1
                } while !cursor.isEmpty && pages < 10
                #expect(seen == posted.reversed() && pages == 3)
                #expect(try await client.get("/api/v1/hosts/\(t.hostId)/reports?limit=1000").status == .badRequest)
                #expect(try await client.get("/api/v1/hosts/\(t.hostId)/reports?cursor=garbage").status == .badRequest)
                // The byte bound: one report fits in one byte's budget (never none), and the page says there is more.
                let (reports, more) = try await t.store.read {
                    try await $0.healthReports(hostId: t.hostId, before: nil, limit: 10, maxBytes: 1)
                }
                #expect(reports.map(\.report.id.uuidString) == [posted[4]] && more)
            }
        }
    }

    @Test func aTicketsDiagnosesArePagedCappedAndShownAFewAtATime() async throws {
        try await TestCoordinator.with(limits: StoreLimits(maxDiagnosticsPerTicket: 7)) { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "web1 slow", "hostId": \#(t.hostId)}"#).id
                var attached: [Int] = []
                for _ in 0..<7 {
                    t.clock.advance(minutes: 1)
                    let reply = try await client.post("/api/v1/tickets/\(id)/diagnostics", DiagnosisEffectsTests.report())
                    #expect(reply.status == .created)
                    attached.append(reply.id)
                }
                let full = try await client.post("/api/v1/tickets/\(id)/diagnostics", DiagnosisEffectsTests.report())
                #expect(full.status == .conflict && full.errorMessage.contains("already has 7 diagnoses"))

                let first = try await client.get("/api/v1/tickets/\(id)/diagnostics?limit=4").json
                let cursor = try #require(first["nextCursor"] as? String)
                let second = try await client.get("/api/v1/tickets/\(id)/diagnostics?limit=4&cursor=\(cursor)").json
                let ids = [first, second].flatMap { ($0["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int } }
                #expect(ids == attached && second["nextCursor"] == nil)

                var desk = BoardTests.Visitor(client: client.client)
                try await desk.logIn(t.accounts[.dispatcher]!)
                let page = try await desk.get("/board/tickets/\(id)").html
                #expect(page.components(separatedBy: #"<article class="diagnostic">"#).count - 1 == 5)
                #expect(page.contains("5 of 7 diagnoses, newest first"))
                let older = try #require(page.firstMatch(of: /id="older-diagnoses" href="([^"]+)"/).map { String($0.1) })
                #expect(older == "/board/tickets/\(id)?diagnosesBefore=\(attached[2])#diagnostics")
                let rest = try await desk.get(older.replacingOccurrences(of: "#diagnostics", with: "")).html
                #expect(rest.components(separatedBy: #"<article class="diagnostic">"#).count - 1 == 2)
                #expect(!rest.contains("older-diagnoses"))
            }
        }
    }
}
