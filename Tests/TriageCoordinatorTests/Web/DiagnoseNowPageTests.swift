import Foundation
import HTTPTypes
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// "Diagnose now" on the board: the ticket page's form and the host page's, for those who may
/// change the ticket; a technician on someone else's ticket gets 403 and queues nothing; the
/// ticket page tells the job's progress and its failure in words.
@Suite struct DiagnoseNowPageTests {
    typealias Visitor = BoardTests.Visitor

    @Test func theDeskQueuesAJobFromTheTicketOrTheHostAndOthersAreRefused() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post(
                    "/api/v1/tickets", #"{"title": "web1 slow", "hostId": \#(t.hostId), "assigneeId": \#(t.otherTechnicianId)}"#
                ).id
                let noHost = try await client.post("/api/v1/tickets", #"{"title": "printer"}"#).id
                var desk = Visitor(client: client.client)
                try await desk.logIn(t.accounts[.dispatcher]!)
                #expect(try await desk.get("/board/tickets/\(noHost)").html.contains("diagnose-now") == false, "no host, no button")
                let page = try await desk.get("/board/tickets/\(ticket)")
                #expect(page.html.contains(#"id="diagnose-now""#))
                let queued = try await desk.post("/board/tickets/\(ticket)/diagnoses", [("checks", "disk, network"), ("csrf", desk.csrf)])
                #expect(queued.status == .seeOther)
                let jobs = try await client.get("/api/v1/jobs?ticket=\(ticket)").items
                #expect(
                    jobs.count == 1 && jobs.first?["checks"] as? [String] == ["disk", "network"]
                        && jobs.first?["requestedBy"] as? String == "dispatcher:dora")
                let shown = try await desk.get("/board/tickets/\(ticket)")
                #expect(
                    shown.html.contains("waiting for the host&#39;s push agent or a collector")
                        || shown.html.contains("waiting for the host's push agent or a collector"),
                    "the queued job on the page")
                // Again while it waits: the page says which job is on it.
                let again = try await desk.post("/board/tickets/\(ticket)/diagnoses", [("checks", ""), ("csrf", desk.csrf)])
                #expect(
                    again.status == .conflict
                        && again.html.contains("job \(jobs.first?["id"] as? Int ?? 0) for ticket \(ticket) is queued already"))

                // A failure in words on the page.
                let id = jobs.first?["id"] as? Int ?? 0
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .ok)
                let failed = DiagnosticReport(
                    host: "web1", startedAt: t.clock.now, durationMs: 2, agentVersion: "t", checks: [],
                    errors: [ReportError(message: "web1: connect: connection refused")])
                _ = try await client.post(
                    "/api/v1/jobs/\(id)/result?lease=1", String(decoding: try DiagnosticReport.encoder.encode(failed), as: UTF8.self),
                    as: .collector)
                #expect(
                    try await desk.get("/board/tickets/\(ticket)").html.contains(
                        "failed by collector:dc-east: web1: connect: connection refused"))

                // From the host's page: its open tickets to choose from.
                let hostPage = try await desk.get("/board/hosts/\(t.hostId)")
                #expect(
                    hostPage.html.contains(#"action="/board/hosts/\#(t.hostId)/diagnoses""#)
                        && hostPage.html.contains("#\(ticket) web1 slow"))
                let fromHost = try await desk.post(
                    "/board/hosts/\(t.hostId)/diagnoses", [("ticket", "\(ticket)"), ("checks", ""), ("csrf", desk.csrf)])
                #expect(fromHost.status == .seeOther && fromHost.headers[.location] == "/board/tickets/\(ticket)#diagnostics")
                #expect(try await client.get("/api/v1/jobs?ticket=\(ticket)").items.count == 2)
                let wrongHost = try await desk.post(
                    "/board/hosts/\(t.otherHostId)/diagnoses", [("ticket", "\(ticket)"), ("csrf", desk.csrf)])
                #expect(wrongHost.status == .unprocessableContent && wrongHost.html.contains("is not about host \(t.otherHostId)"))

                // Tess is not the assignee: no form, and a post of her own is refused, nothing queued.
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                #expect(try await tess.get("/board/tickets/\(ticket)").html.contains(#"id="diagnose-now""#) == false)
                #expect(try await tess.get("/board/hosts/\(t.hostId)").html.contains("/diagnoses") == false)
                for path in ["/board/tickets/\(ticket)/diagnoses", "/board/hosts/\(t.hostId)/diagnoses"] {
                    let refused = try await tess.post(path, [("ticket", "\(ticket)"), ("csrf", tess.csrf)])
                    #expect(refused.status == .forbidden, "\(path)")
                }
                #expect(try await client.get("/api/v1/jobs?ticket=\(ticket)").items.count == 2, "the refusals queued nothing")
            }
        }
    }
}
