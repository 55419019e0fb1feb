import Foundation
import TestSupport
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Push reports into tickets with a driven clock: hysteresis, one grouped ticket per report,
/// dedupe, flapping, auto-resolve of untouched tickets, reopen within the window, host silence.
@Suite struct HealthReportTests {
    typealias Check = (plugin: String, item: String, status: CheckStatus)

    static func report(_ checks: [Check], host: String = "web1", id: UUID = UUID()) -> String {
        let report = DiagnosticReport(
            id: id, host: host, startedAt: Date(timeIntervalSince1970: 1_795_000_000), durationMs: 30, agentVersion: "0.1.0",
            checks: checks.map {
                CheckResult(
                    plugin: $0.plugin, item: $0.item, status: $0.status,
                    summary: "\($0.item) is \($0.status.rawValue)", metrics: [], durationMs: 5,
                    skills: ShippedPlugins.skills[$0.plugin])
            })
        return String(decoding: try! DiagnosticReport.encoder.encode(report), as: UTF8.self)
    }

    static let bad: [Check] = [("disk", "fs /", .critical), ("network", "gateway", .critical), ("services", "cron", .ok)]
    static let good: [Check] = [("disk", "fs /", .ok), ("network", "gateway", .ok), ("services", "cron", .ok)]

    struct Outcome {
        let status: Int
        let json: [String: Any]
        var opened: [Int] { json["opened"] as? [Int] ?? [] }
        var reopened: [Int] { json["reopened"] as? [Int] ?? [] }
        var updated: [Int] { json["updated"] as? [Int] ?? [] }
        var resolved: [Int] { json["resolved"] as? [Int] ?? [] }
    }

    static func post(_ client: TestCoordinator.Client, _ checks: [Check], _ t: TestCoordinator, id: UUID = UUID()) async throws -> Outcome {
        t.clock.advance(minutes: 1)
        let reply = try await client.post("/api/v1/reports?interval=60", report(checks, id: id), as: .agent)
        return Outcome(status: Int(reply.status.code), json: reply.json)
    }

    static func events(_ client: TestCoordinator.Client, _ ticket: Int) async throws -> [String] {
        try await client.get("/api/v1/tickets/\(ticket)/events?limit=200").items.compactMap { $0["type"] as? String }
    }

    @Test func twoBadReportsOpenOneTicketForTheHostAndTwoGoodOnesResolveIt() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                #expect(try await Self.post(client, Self.bad, t).opened == [])  // one bad report: not yet
                let second = try await Self.post(client, Self.bad, t)
                #expect(second.status == 201)
                let ticket = try #require(second.opened.first)
                #expect(second.opened.count == 1)
                let opened = try await client.get("/api/v1/tickets/\(ticket)").json
                #expect(opened["title"] as? String == "web1: 2 problems (disk fs /, network gateway)")
                #expect(opened["severity"] as? Int == 3)  // critical on a normal host
                #expect(opened["channel"] as? String == "agent")
                #expect(opened["createdBy"] as? String == "system:health")
                #expect(opened["requiredSkills"] as? [String] == ["network", "storage"])

                // Repeats: no second ticket; an unchanged repeat adds nothing, a change adds an event.
                #expect(try await Self.post(client, Self.bad, t).updated == [])
                var worse = Self.bad
                worse[0].status = .warning
                #expect(try await Self.post(client, worse, t).updated == [ticket])
                #expect(try await client.get("/api/v1/tickets?hostId=\(t.hostId)").items.count == 1)

                let id = UUID()
                #expect(try await Self.post(client, Self.good, t, id: id).resolved == [])  // one good report: not yet
                let recovered = try await Self.post(client, Self.good, t)
                #expect(recovered.resolved == [ticket])
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["status"] as? String == "resolved")
                #expect(try await Self.events(client, ticket).suffix(3) == ["recovered", "recovered", "status_changed"])
                // The same report id again is taken once.
                let again = try await Self.post(client, Self.good, t, id: id)
                #expect(again.status == 200 && again.json["accepted"] as? Bool == false)

                let states = try await client.get("/api/v1/hosts/\(t.hostId)/checks").items
                #expect(states.count == 3)
                #expect(states.allSatisfy { $0["problem"] as? Bool == false })
                #expect(states.first { $0["item"] as? String == "gateway" }?["ticketId"] as? Int == ticket)
            }
        }
    }

    @Test func aPersonsTouchKeepsTheTicketOpenAndARecurrenceReopensWithinTheWindow() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                _ = try await Self.post(client, Self.bad, t)
                let ticket = try #require(try await Self.post(client, Self.bad, t).opened.first)
                #expect(try await client.post("/api/v1/tickets/\(ticket)/comments", #"{"body": "Looking at it."}"#).status == .created)
                _ = try await Self.post(client, Self.good, t)
                let recovered = try await Self.post(client, Self.good, t)
                #expect(recovered.resolved == [] && recovered.updated == [ticket])
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["status"] as? String == "new")

                // Resolved by a person; the problem comes back within 24 h: the same ticket reopens.
                #expect(try await client.patch("/api/v1/tickets/\(ticket)", #"{"status": "resolved"}"#).status == .ok)
                _ = try await Self.post(client, Self.bad, t)
                let back = try await Self.post(client, Self.bad, t)
                #expect(back.reopened == [ticket] && back.opened == [])
                #expect(try await Self.events(client, ticket).suffix(2) == ["problem", "reopened"])

                // Resolved again, and back after the window: a new ticket.
                #expect(try await client.patch("/api/v1/tickets/\(ticket)", #"{"status": "resolved"}"#).status == .ok)
                _ = try await Self.post(client, Self.good, t)
                _ = try await Self.post(client, Self.good, t)
                t.clock.advance(minutes: 25 * 60)
                _ = try await Self.post(client, Self.bad, t)
                let later = try await Self.post(client, Self.bad, t)
                #expect(later.opened.count == 1 && later.opened != [ticket] && later.reopened == [])
            }
        }
    }

    @Test func flappingMarksOneTicketAndStopsTheChurn() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let disk: [Check] = [("disk", "fs /", .critical)]
                let fine: [Check] = [("disk", "fs /", .ok)]
                var opened: [Int] = []
                var resolved: [Int] = []
                for round in 0..<12 {
                    let outcome = try await Self.post(client, round % 2 == 0 ? disk : fine, t)
                    opened += outcome.opened
                    resolved += outcome.resolved
                }
                // Alternating reports never pass the hysteresis, but the flapping does open one ticket.
                #expect(opened.count == 1 && resolved.isEmpty)
                let ticket = try #require(opened.first)
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["tags"] as? [String] == ["flapping"])
                let state = try #require(try await client.get("/api/v1/hosts/\(t.hostId)/checks").items.first)
                #expect(state["flapping"] as? Bool == true)

                // Quiet for an hour and steady: flapping stops, and the recovery resolves the ticket.
                t.clock.advance(minutes: 61)
                let first = try await Self.post(client, fine, t)
                let second = try await Self.post(client, fine, t)
                #expect(first.resolved + second.resolved == [ticket])
                #expect(try await Self.events(client, ticket).contains("flapping_stopped"))
            }
        }
    }

    @Test func onlyTheHostsOwnAgentReports() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let elsewhere = try await client.post("/api/v1/reports", Self.report(Self.bad, host: "db1"), as: .agent)
                #expect(elsewhere.status == .forbidden)
                #expect(elsewhere.errorMessage == "this agent token is bound to host web1 (id \(t.hostId)); the report is about db1")
                let otherHost = try await client.post("/api/v1/reports?host=\(t.otherHostId)", Self.report(Self.bad), as: .agent)
                #expect(otherHost.status == .forbidden)
                #expect(
                    otherHost.errorMessage == "this agent token is bound to host \(t.hostId); it may not report for host \(t.otherHostId)")
                let unnamed = try await client.post("/api/v1/reports", Self.report(Self.bad))
                #expect(unnamed.status == .badRequest && unnamed.errorMessage.contains("add ?host=ID"))
                let wrongName = try await client.post("/api/v1/reports?host=\(t.otherHostId)", Self.report(Self.bad), as: .dispatcher)
                #expect(wrongName.status == .forbidden && wrongName.errorMessage.hasSuffix("the report is about web1"))
                #expect(try await client.post("/api/v1/reports?host=999", Self.report(Self.bad)).status == .notFound)
                #expect(try await client.post("/api/v1/reports?interval=0", Self.report(Self.bad), as: .agent).status == .badRequest)
                #expect(try await client.post("/api/v1/reports", #"{"id": 1}"#, as: .agent).status == .unprocessableContent)
                #expect(try await client.get("/api/v1/hosts/999/checks").status == .notFound)
            }
        }
    }

    /// A dispatcher's sweep reports through the same state machine, but promises no interval: its
    /// hosts are never "not reporting". Every report is listed, newest first, with who posted it.
    @Test func sweepReportsFeedTheSameStatesWithoutSilenceWatch() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                var ids: [String] = []
                for _ in 0..<2 {
                    t.clock.advance(minutes: 1)
                    let id = UUID()
                    ids.append(id.uuidString)
                    #expect(
                        try await client.post("/api/v1/reports?host=\(t.hostId)", Self.report(Self.bad, id: id), as: .dispatcher).status
                            == .created)
                }
                let opened = try #require(try await client.get("/api/v1/tickets?hostId=\(t.hostId)").items.first?["id"] as? Int)
                let problem = try #require(
                    try await client.get("/api/v1/tickets/\(opened)/events").items.first { $0["type"] as? String == "problem" })
                #expect(problem["actor"] as? String == "system:health")
                let data = try #require(problem["data"] as? [String: Any])
                #expect(data["postedBy"] as? String == "dispatcher:dora" && data["reportId"] as? String == ids[1])
                #expect((data["items"] as? [[String: Any]])?.count == 2)
                let states = try await client.get("/api/v1/hosts/\(t.hostId)/checks").items
                #expect(states.filter { $0["problem"] as? Bool == true && $0["ticketId"] != nil }.count == 2)
                #expect(try await t.coordinator.health.runSilenceChecks(at: t.clock.now.addingTimeInterval(86_400)) == [])
                let listed = try await client.get("/api/v1/hosts/\(t.hostId)/reports?limit=5").items
                #expect(listed.compactMap { ($0["report"] as? [String: Any])?["id"] as? String } == ids.reversed())
                #expect(listed.map { $0["postedBy"] as? String } == ["dispatcher:dora", "dispatcher:dora"])
                #expect(try await client.get("/api/v1/hosts/\(t.hostId)/reports", as: .agent).status == .forbidden)
                #expect(try await client.get("/api/v1/hosts/999/reports").status == .notFound)
            }
        }
    }

    /// An all-OK report from a technician would resolve agent tickets assigned to others.
    @Test func aTechnicianMayNotPostReportsAndChangesNothing() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                _ = try await Self.post(client, Self.bad, t)
                let ticket = try #require(try await Self.post(client, Self.bad, t).opened.first)
                let before = try await Self.events(client, ticket)
                for _ in 0..<2 {
                    t.clock.advance(minutes: 1)
                    let refused = try await client.post("/api/v1/reports?host=\(t.hostId)", Self.report(Self.good), as: .technician)
                    #expect(
                        refused.status == .forbidden && refused.errorMessage.hasPrefix("a technician's token may not post health reports"))
                }
                #expect(try await Self.events(client, ticket) == before)
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["status"] as? String != "resolved")
                #expect(try await client.get("/api/v1/hosts/\(t.hostId)/reports").items.count == 2)
                // The agent's own reports name it.
                let listed = try await client.get("/api/v1/hosts/\(t.hostId)/reports").items
                #expect(listed.allSatisfy { $0["postedBy"] as? String == "agent:web1-agent" })
            }
        }
    }

    @Test func aSilentHostGetsOneTicketThatResolvesWhenItReportsAgain() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                _ = try await Self.post(client, Self.good, t)
                t.clock.advance(minutes: 2)
                #expect(try await t.coordinator.health.runSilenceChecks(at: t.clock.now) == [])  // 3 min, 3 intervals: not yet
                t.clock.advance(minutes: 1.5)
                let silent = try await t.coordinator.health.runSilenceChecks(at: t.clock.now)
                #expect(silent.count == 1)
                let ticket = try #require(silent.first)
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["title"] as? String == "web1 is not reporting")
                #expect(try await t.coordinator.health.runSilenceChecks(at: t.clock.now.addingTimeInterval(600)) == [])
                let back = try await Self.post(client, Self.good, t)
                #expect(back.resolved == [ticket])
                #expect(try await Self.events(client, ticket).suffix(2) == ["host_reporting", "status_changed"])
            }
        }
    }
}
