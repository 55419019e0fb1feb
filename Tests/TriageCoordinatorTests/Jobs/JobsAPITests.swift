import Foundation
import HTTPTypes
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

/// "Diagnose now" through the API, in process: a job's states and events, its lease and takeover,
/// one diagnosis whatever retries happen, scopes, a live push agent's hosts, expiry, the long poll.
@Suite struct JobsAPITests {
    static func events(_ client: TestCoordinator.Client, _ ticket: Int) async throws -> [[String: Any]] {
        try await client.get("/api/v1/tickets/\(ticket)/events?limit=200").items.filter { $0["type"] as? String == "diagnosis_job" }
    }

    static func steps(_ events: [[String: Any]]) -> [String] {
        events.map { event in
            let data = event["data"] as? [String: Any] ?? [:]
            return "\(data["state"] as? String ?? "?") by \(event["actor"] as? String ?? "?")"
        }
    }

    @Test func anAgentRunsAJobOnceAndItsFlagsActOnTheTicket() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "web1 slow", "hostId": \#(t.hostId)}"#).id
                let queued = try await client.post(
                    "/api/v1/tickets/\(ticket)/diagnoses", #"{"checks": ["disk", "network"]}"#, as: .dispatcher)
                #expect(queued.status == .accepted && queued.json["state"] as? String == "queued", "\(queued.body)")
                #expect(queued.headers[.location] == "/api/v1/jobs/\(queued.id)")
                let again = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}")
                #expect(again.status == .conflict && again.errorMessage.contains("job \(queued.id)"), "\(again.body)")

                let leased = try await client.get("/api/v1/agent/jobs?wait=0", as: .agent)
                #expect(leased.status == .ok, "\(leased.body)")
                let job = try #require(leased.json["job"] as? [String: Any])
                #expect(job["id"] as? Int == queued.id && job["lease"] as? Int == 1 && job["checks"] as? [String] == ["disk", "network"])
                #expect((leased.json["host"] as? [String: Any])?["name"] as? String == "web1")
                #expect(try await client.get("/api/v1/agent/jobs?wait=0", as: .agent).status == .noContent)
                #expect(
                    try await client.post("/api/v1/jobs/\(queued.id)/start?lease=1", "", as: .agent).json["state"] as? String == "running")

                let report = DiagnosisEffectsTests.report()
                let done = try await client.post("/api/v1/jobs/\(queued.id)/result?lease=1", report, as: .agent)
                #expect(done.status == .ok && done.json["state"] as? String == "attached", "\(done.body)")
                // A retry (the answer was lost) changes nothing and attaches nothing twice.
                let retry = try await client.post("/api/v1/jobs/\(queued.id)/result?lease=1", report, as: .agent)
                #expect(retry.status == .ok && retry.json["state"] as? String == "attached")
                let diagnoses = try await client.get("/api/v1/tickets/\(ticket)/diagnostics").items
                #expect(diagnoses.count == 1)
                let flags = try await client.get("/api/v1/tickets/\(ticket)").json["flags"] as? [String: Any]
                #expect(flags?["onsite"] as? Bool == true, "the diagnosis acts as its requester (a dispatcher) may")
                #expect(
                    Self.steps(try await Self.events(client, ticket))
                        == [
                            "queued by dispatcher:dora", "leased by agent:web1-agent", "running by agent:web1-agent",
                            "attached by agent:web1-agent",
                        ])
                let attachedEvent =
                    try await client.get("/api/v1/tickets/\(ticket)/events?limit=200").items
                    .first { $0["type"] as? String == "diagnostic_attached" }?["data"] as? [String: Any]
                #expect(attachedEvent?["job"] as? Int == queued.id && attachedEvent?["applied"] as? Bool == true)
                let listed = try await client.get("/api/v1/jobs?ticket=\(ticket)&state=attached").items
                #expect(listed.map { $0["id"] as? Int } == [queued.id])
                #expect(try await client.get("/api/v1/jobs?state=bogus").status == .badRequest)
            }
        }
    }

    @Test func aTakenOverLeaseHasItsLateResultRefusedAndRecorded() async throws {
        try await TestCoordinator.with { t in
            let second = try await t.coordinator.credentials.issueToken(
                name: "dc-west", role: .collector,
                scope: CollectorScope(customers: [t.customerId])
            ).secret
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "web1 down", "hostId": \#(t.hostId)}"#).id
                let id = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .ok)
                #expect(try await client.post("/api/v1/jobs/\(id)/start?lease=1", "", as: .collector).status == .ok)
                // The first collector dies; its lease (120 s) runs out.
                #expect(try await client.send(.get, "/api/v1/agent/jobs", as: nil, token: second).status == .noContent)
                t.clock.advance(minutes: 2.5)
                let taken = try await client.send(.get, "/api/v1/agent/jobs", as: nil, token: second)
                #expect(taken.status == .ok && (taken.json["job"] as? [String: Any])?["lease"] as? Int == 2, "\(taken.body)")
                let late = try await client.post("/api/v1/jobs/\(id)/result?lease=1", DiagnosisEffectsTests.report(), as: .collector)
                #expect(late.status == .conflict && late.errorMessage.contains("collector:dc-west holds lease 2"), "\(late.body)")
                let result = try await client.send(
                    .post, "/api/v1/jobs/\(id)/result?lease=2", as: nil, token: second,
                    json: DiagnosisEffectsTests.report())
                #expect(result.status == .ok && result.json["state"] as? String == "attached", "\(result.body)")
                let again = try await client.post("/api/v1/jobs/\(id)/result?lease=1", DiagnosisEffectsTests.report(), as: .collector)
                #expect(again.status == .conflict)
                #expect(try await client.get("/api/v1/tickets/\(ticket)/diagnostics").items.count == 1)
                let events = try await Self.events(client, ticket)
                #expect(
                    Self.steps(events) == [
                        "queued by admin:root", "leased by collector:dc-east", "running by collector:dc-east",
                        "leased by collector:dc-west", "leased by collector:dc-east", "attached by collector:dc-west",
                        "attached by collector:dc-east",
                    ])
                let messages = events.compactMap { ($0["data"] as? [String: Any])?["message"] as? String }
                #expect(messages.contains { $0.contains("lease 1 of collector:dc-east ended unfinished; taken over") })
                #expect(messages.contains { $0.hasPrefix("result of collector:dc-east refused: lease 1 of job \(id) is over") })
            }
        }
    }

    @Test func aRunnerThatRetookItsOwnLapsedJobHasItsOldLeasesResultRefused() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "web1 down", "hostId": \#(t.hostId)}"#).id
                let id = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .ok)
                #expect(try await client.post("/api/v1/jobs/\(id)/start?lease=1", "", as: .collector).status == .ok)
                // Its lease runs out (a restart, a hang); the same collector takes the job again: lease 2.
                t.clock.advance(minutes: 2.5)
                let again = try await client.get("/api/v1/agent/jobs", as: .collector)
                #expect((again.json["job"] as? [String: Any])?["lease"] as? Int == 2, "\(again.body)")
                // The result of lease 1 is the takeover refusal, not a retry that can never succeed.
                let stale = try await client.post("/api/v1/jobs/\(id)/result?lease=1", DiagnosisEffectsTests.report(), as: .collector)
                #expect(
                    stale.status == .conflict
                        && stale.errorMessage.contains("lease 1 of job \(id) is over: collector:dc-east holds lease 2"),
                    "\(stale.body)")
                #expect(!stale.errorMessage.contains("try again"))
                let messages = try await Self.events(client, ticket).compactMap { ($0["data"] as? [String: Any])?["message"] as? String }
                #expect(
                    messages.contains { $0.hasPrefix("result of collector:dc-east refused: lease 1 of job \(id) is over") }, "\(messages)")
                #expect(try await client.get("/api/v1/tickets/\(ticket)/diagnostics").items.isEmpty)
                let current = try await client.post("/api/v1/jobs/\(id)/result?lease=2", DiagnosisEffectsTests.report(), as: .collector)
                #expect(current.status == .ok && current.json["state"] as? String == "attached", "\(current.body)")
            }
        }
    }

    @Test func collectorsKeepToTheirScopeAndLeaveHostsWithALiveAgent() async throws {
        try await TestCoordinator.with { t in
            let farSite = try await t.store.write { session in
                let customer = try await session.insert(CustomerFields(name: "Far AG"), at: t.clock.now)
                return try await session.insert(SiteFields(customerId: customer.id, name: "Far HQ"), at: t.clock.now).id
            }
            let elsewhere = try await t.coordinator.credentials.issueToken(
                name: "dc-far", role: .collector,
                scope: CollectorScope(sites: [farSite])
            ).secret
            await #expect(throws: CoordinatorError.self) {
                try await t.coordinator.credentials.issueToken(name: "x", role: .collector, scope: CollectorScope(sites: [farSite + 1000]))
            }
            await #expect(throws: CoordinatorError.self) { try await t.coordinator.credentials.issueToken(name: "x", role: .collector) }
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "web1", "hostId": \#(t.hostId)}"#).id
                let id = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                func far(_ method: HTTPRequest.Method, _ path: String, _ json: String? = nil) async throws -> TestCoordinator.Client.Reply {
                    try await client.send(method, path, as: nil, token: elsewhere, json: json)
                }
                #expect(try await far(.get, "/api/v1/agent/jobs").status == .noContent)
                let start = try await far(.post, "/api/v1/jobs/\(id)/start?lease=1")
                #expect(start.status == .forbidden && start.errorMessage.contains("outside this collector's scope"), "\(start.body)")
                #expect(try await far(.post, "/api/v1/jobs/\(id)/result?lease=1", DiagnosisEffectsTests.report()).status == .forbidden)
                #expect(try await far(.post, "/api/v1/reports?host=\(t.hostId)", DiagnosisEffectsTests.report()).status == .forbidden)
                #expect(try await far(.get, "/api/v1/collector/hosts").items.isEmpty)
                #expect(try await far(.get, "/api/v1/tickets").status == .forbidden)
                #expect(try await far(.post, "/api/v1/tickets/\(ticket)/diagnostics", DiagnosisEffectsTests.report()).status == .forbidden)
                #expect(try await client.get("/api/v1/jobs/\(id)").json["state"] as? String == "queued", "nothing changed")

                // web1's own push agent reports: the collector leaves web1 to it.
                #expect(
                    try await client.post("/api/v1/reports?interval=60", DiagnosisEffectsTests.report(disk: .ok), as: .agent).status
                        == .created)
                let hosts = try await client.get("/api/v1/collector/hosts", as: .collector).items
                #expect(Set(hosts.compactMap { $0["name"] as? String }) == ["web1", "db1"])
                #expect(hosts.first { $0["name"] as? String == "web1" }?["pushAgent"] as? Bool == true)
                #expect(hosts.first { $0["name"] as? String == "db1" }?["pushAgent"] as? Bool == false)
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .noContent)
                // Silent for three of its intervals, the agent no longer counts: the collector takes the job.
                t.clock.advance(minutes: 3.5)
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .ok)
            }
        }
    }

    @Test func aJobNobodyTakesExpiresAndAFailureIsTold() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "db1", "hostId": \#(t.otherHostId)}"#).id
                let id = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                t.clock.advance(minutes: 11)
                #expect(try await t.coordinator.jobs.runExpiry(at: t.clock.now) == [id])
                let job = try await client.get("/api/v1/jobs/\(id)").json
                #expect(job["state"] as? String == "expired" && (job["failure"] as? String)?.contains("nobody took it") == true)
                #expect(Self.steps(try await Self.events(client, ticket)).last == "expired by system:jobs")

                // The collector could not reach the host: a report without items fails the job, in words.
                let next = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .ok)
                let failed = DiagnosticReport(
                    host: "db1", startedAt: t.clock.now, durationMs: 3, agentVersion: "t", checks: [],
                    errors: [
                        ReportError(
                            message:
                                "db1: host key: HOST KEY MISMATCH for db1: it offered ED25519 SHA256:new but known_hosts has ED25519 SHA256:old"
                        )
                    ])
                let answer = try await client.post(
                    "/api/v1/jobs/\(next)/result?lease=1",
                    String(decoding: try DiagnosticReport.encoder.encode(failed), as: UTF8.self), as: .collector)
                #expect(answer.status == .ok && answer.json["state"] as? String == "failed")
                #expect((answer.json["failure"] as? String)?.contains("SHA256:new but known_hosts has ED25519 SHA256:old") == true)
                #expect(try await client.get("/api/v1/tickets/\(ticket)/diagnostics").items.isEmpty)
                // Wrong host in the report: refused, the job unchanged.
                let third = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                #expect(try await client.get("/api/v1/agent/jobs", as: .collector).status == .ok)
                let wrong = try await client.post("/api/v1/jobs/\(third)/result?lease=1", DiagnosisEffectsTests.report(), as: .collector)
                #expect(wrong.status == .unprocessableContent && wrong.errorMessage.contains("about host db1"), "\(wrong.body)")
            }
        }
    }

    @Test func requestsNeedAHostAndTheRightToChangeTheTicket() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let noHost = try await client.post("/api/v1/tickets", #"{"title": "printer"}"#).id
                let refused = try await client.post("/api/v1/tickets/\(noHost)/diagnoses", "{}")
                #expect(refused.status == .unprocessableContent && refused.errorMessage.contains("not about a host"))
                let theirs = try await client.post(
                    "/api/v1/tickets", #"{"title": "web1", "hostId": \#(t.hostId), "assigneeId": \#(t.otherTechnicianId)}"#
                ).id
                #expect(try await client.post("/api/v1/tickets/\(theirs)/diagnoses", "{}", as: .technician).status == .forbidden)
                #expect(
                    try await client.post("/api/v1/tickets/\(theirs)/diagnoses", #"{"checks": ["two words"]}"#).status
                        == .unprocessableContent)
                #expect(
                    try await client.post("/api/v1/tickets/\(theirs)/diagnoses", #"{"params": {"nodot": "1"}}"#).status
                        == .unprocessableContent)
                #expect(try await client.post("/api/v1/tickets/\(theirs)/diagnoses", #"{"surprise": 1}"#).status == .unprocessableContent)
                #expect(try await client.post("/api/v1/tickets/999999/diagnoses", "{}").status == .notFound)
                #expect(try await client.get("/api/v1/jobs?ticket=\(theirs)").items.isEmpty, "nothing queued by the refusals")
                #expect(try await client.post("/api/v1/jobs/1/start", "", as: .agent).status == .badRequest)
                let typo = try await client.get("/api/v1/agent/jobs?wiat=5", as: .agent)
                #expect(typo.status == .badRequest && typo.errorMessage.contains("unknown query parameter 'wiat'"))
            }
        }
    }

    /// The long poll waits without a job, and wakes as soon as one is queued (the bell, not a timeout).
    @Test func aWaitingAgentWakesWhenAJobIsQueued() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let ticket = try await client.post("/api/v1/tickets", #"{"title": "web1", "hostId": \#(t.hostId)}"#).id
                let started = ContinuousClock.now
                let empty = try await client.get("/api/v1/agent/jobs?wait=1", as: .agent)
                #expect(empty.status == .noContent && ContinuousClock.now - started >= .milliseconds(900))
                let waiting = Task { try await client.get("/api/v1/agent/jobs?wait=60", as: .agent) }
                // Operators see the waiting poll (and the test knows it waits before queueing).
                var seen = false
                for _ in 0..<100 where !seen {
                    seen = try await client.get("/metrics", as: nil).body.contains("triage_jobs_polls_waiting 1.0")
                    if !seen { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(seen, "/metrics counts the waiting poll")
                let queuedAt = ContinuousClock.now
                let id = try await client.post("/api/v1/tickets/\(ticket)/diagnoses", "{}").id
                let woke = try await waiting.value
                #expect(woke.status == .ok && (woke.json["job"] as? [String: Any])?["id"] as? Int == id)
                // Well within the 60 s wait, with room for a machine busy with other suites (a full run saw 8 s).
                #expect(ContinuousClock.now - queuedAt < .seconds(30), "woken by the bell, not by the end of the wait")
            }
        }
    }
}
