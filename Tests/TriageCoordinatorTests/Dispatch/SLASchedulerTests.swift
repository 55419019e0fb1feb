import Foundation
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The SLA scheduler driven by the test clock: warnings and breaches once per target, escalation
/// on a resolution breach, nothing while paused or answered.
@Suite struct SLASchedulerTests {
    static func types(_ events: [TicketEvent]) -> [String] {
        events.map { "\($0.kind.rawValue) \($0.data["target"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "")" }
    }

    @Test func warningThenBreachOncePerTargetAndAResolutionBreachEscalates() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "Site down", "severity": 1}"#).id
                let quiet = try await client.post("/api/v1/tickets", #"{"title": "answered", "severity": 1}"#).id
                _ = try await client.post("/api/v1/tickets/\(quiet)/comments", #"{"body": "on it"}"#)

                t.clock.advance(minutes: 11)  // respond warning at 75 % of 15 min = 11.25 min
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now).isEmpty)
                t.clock.advance(minutes: 0.5)
                let warned = try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now)
                #expect(Self.types(warned) == ["sla_warning respond"])
                #expect(warned.first?.ticketId == id)
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now).isEmpty)

                t.clock.advance(minutes: 4)
                #expect(Self.types(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now)) == ["sla_breach respond"])

                t.clock.advance(minutes: 180)  // resolve warning at 3 h of 4 h
                #expect(
                    Self.types(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now))
                        == ["sla_warning resolve", "sla_warning resolve"])
                t.clock.advance(minutes: 60)
                let breached = try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now)
                #expect(
                    Self.types(breached) == [
                        "sla_breach resolve", "escalated ", "unassignable ", "sla_breach resolve",
                        "escalated ", "unassignable ",
                    ])
                let ticket = try await client.get("/api/v1/tickets/\(id)").json
                #expect(ticket["tier"] as? Int == 2)
                let events = try await client.get("/api/v1/tickets/\(id)/events").items
                let escalated = try #require(events.last { $0["type"] as? String == "escalated" })
                #expect(escalated["actor"] as? String == "system:sla")
                #expect((escalated["data"] as? [String: Any])?["reason"] as? String == "resolution SLA breached")
                #expect(events.last?["actor"] as? String == "system:assignment")
                t.clock.advance(minutes: 600)
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now).isEmpty)
            }
        }
    }

    @Test func anAcknowledgementIsTheFirstResponseAndStopsTheRespondClock() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "Phones dead", "severity": 1}"#).id
                t.clock.advance(minutes: 5)
                // Only someone who may change the ticket stops its clock: not a technician it is not assigned to.
                let colleague = try await client.send(.post, "/api/v1/tickets/\(id)/acknowledge", as: .technician)
                #expect(colleague.status == .forbidden && colleague.errorMessage == "ticket \(id) is not assigned to you")
                #expect(try await client.get("/api/v1/tickets/\(id)").json["firstResponseAt"] == nil)
                let acked = try await client.send(.post, "/api/v1/tickets/\(id)/acknowledge", as: .dispatcher)
                #expect(acked.status == .ok)
                #expect(acked.json["firstResponseAt"] as? String == "2026-11-18T11:11:40.000Z")
                t.clock.advance(minutes: 5)
                let again = try await client.send(.post, "/api/v1/tickets/\(id)/acknowledge", as: .dispatcher)
                #expect(again.json["firstResponseAt"] as? String == "2026-11-18T11:11:40.000Z")
                #expect(try await client.send(.post, "/api/v1/tickets/\(id)/acknowledge", as: .agent).status == .forbidden)
                t.clock.advance(minutes: 60)
                // Past the 15-minute response target, but answered: only the resolve clock runs.
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now).isEmpty)
                let types = try await client.get("/api/v1/tickets/\(id)/events").items.map { $0["type"] as? String }
                #expect(types == ["created", "unassignable", "acknowledged"])
            }
        }
    }

    @Test func aPausedOrResolvedTicketGetsNothing() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let waiting = try await client.post("/api/v1/tickets", #"{"title": "waiting", "severity": 1}"#).id
                let resolved = try await client.post("/api/v1/tickets", #"{"title": "done", "severity": 1}"#).id
                _ = try await client.patch("/api/v1/tickets/\(waiting)", #"{"status": "waiting_customer"}"#)
                _ = try await client.patch("/api/v1/tickets/\(resolved)", #"{"status": "resolved"}"#)
                t.clock.advance(minutes: 600)
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now).isEmpty)
                // Back to work after 10 h paused: the clock starts where it stood.
                let resumed = try await client.patch("/api/v1/tickets/\(waiting)", #"{"status": "in_progress"}"#).json
                #expect(resumed["responseDueAt"] as? String == "2026-11-18T21:21:40.000Z")
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now).isEmpty)
            }
        }
    }

    /// Property: whatever the order of clock steps, scheduler runs and status changes, no
    /// (ticket, type, target) is ever written twice.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func noSequenceOfRunsEmitsADuplicate(seed: UInt64) async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                var random = SeededGenerator(seed: seed)
                var ids: [Int] = []
                for severity in 1...4 {
                    ids.append(try await client.post("/api/v1/tickets", #"{"title": "p\#(severity)", "severity": \#(severity)}"#).id)
                }
                let statuses = ["in_progress", "waiting_customer", "in_progress", "waiting_vendor"]
                for _ in 0..<60 {
                    switch random.next() % 4 {
                    case 0, 1: t.clock.advance(minutes: Double(random.next() % 240))
                    case 2:
                        let id = ids[Int(random.next() % UInt64(ids.count))]
                        _ = try await client.patch(
                            "/api/v1/tickets/\(id)",
                            #"{"status": "\#(statuses[Int(random.next() % 4)])"}"#)
                    default: break
                    }
                    _ = try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now)
                }
                for id in ids {
                    let events = try await client.get("/api/v1/tickets/\(id)/events?limit=200").items
                    let keys = events.compactMap { event -> String? in
                        guard let type = event["type"] as? String, type.hasPrefix("sla_") else { return nil }
                        return "\(type) \((event["data"] as? [String: Any])?["target"] as? String ?? "")"
                    }
                    #expect(keys.count == Set(keys).count, "ticket \(id): \(keys)")
                }
            }
        }
    }
}
