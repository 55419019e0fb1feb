import Foundation
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Per-customer SLA contracts from the configuration file, and the scheduler's lease.
@Suite struct SLAContractTests {
    static let yaml = """
        sla:
          severity2: {respondMinutes: 30, resolveMinutes: 240}
          customers:
            "1":
              severity2: {respondMinutes: 10, resolveMinutes: 60}
              warningFraction: 0.5
            "2":
              calendar: {timeZone: America/New_York, opens: "09:00", closes: "17:00"}
              severity2: {respondMinutes: 60, resolveMinutes: 120, hours: business}
        """

    @Test func customerContractsStartFromThePolicyAroundThem() throws {
        var configuration = CoordinatorConfiguration()
        try configuration.apply(yaml: Self.yaml, name: "triage.yaml")
        let sla = configuration.sla
        #expect(sla.targets(severity: 2) == .init(respondMinutes: 30, resolveMinutes: 240))
        let gold = sla.policy(forCustomer: 1)
        #expect(gold.targets(severity: 2) == .init(respondMinutes: 10, resolveMinutes: 60))
        #expect(gold.warningFraction == 0.5)
        // What the contract does not name comes from the policy around it, not from the defaults.
        #expect(gold.targets(severity: 1) == SLAPolicy.standard.targets(severity: 1))
        #expect(sla.policy(forCustomer: 2).calendar.timeZone == "America/New_York")
        #expect(sla.policy(forCustomer: 2).warningFraction == 0.75)
        #expect(sla.policy(forCustomer: 3) == sla)
        #expect(sla.policy(forCustomer: nil) == sla)
        // Business days are the calendar's days: 9 h by default, 8 h in customer 2's calendar.
        #expect(sla.resolveMinutes(severity: 3) == 3 * 540)
        #expect(sla.policy(forCustomer: 2).resolveMinutes(severity: 3) == 3 * 480)
        #expect(sla.policy(forCustomer: 2).resolveMinutes(severity: 4) == 10 * 480)

        for (text, message) in [
            ("sla:\n  customers:\n    acme: {}", "sla.customers: 'acme' is not a customer id"),
            ("sla:\n  customers:\n    \"1\": {customers: {}}", "sla: unknown key customers"),
            (
                "sla:\n  customers:\n    \"1\": {severity2: {respondMinutes: 90, resolveMinutes: 60}}",
                "sla.customers.1: severity 2 needs 0 < respondMinutes ≤ the resolution target"
            ),
            (
                "sla:\n  severity1: {respondMinutes: 15, resolveBusinessDays: 1}",
                "sla: severity 1 counts resolveBusinessDays, which needs hours: business"
            ),
            (
                "sla:\n  severity3: {respondMinutes: 15, resolveBusinessDays: 1, resolveMinutes: 60}",
                "give resolveMinutes or resolveBusinessDays, one of them"
            ),
            (
                "sla:\n  severity3: {respondMinutes: 15, resolveMinutes: 60, hour: always}",
                "sla: severity3: unknown key hour"
            ),
            ("sla:\n  calendar: {timeZone: UTC, openz: \"09:00\"}", "sla: calendar: unknown key openz"),
            ("assignment: {severityWeights: [8, 4, 2]}", "assignment.severityWeights must be four weights"),
            ("assignment: {weights: [1, 1, 1, 1]}", "assignment: unknown key weights"),
        ] {
            var bad = CoordinatorConfiguration()
            let error = #expect(throws: CoordinatorError.self) {
                try bad.apply(yaml: text, name: "triage.yaml")
                try bad.validate()
            }
            #expect(error?.message.contains(message) == true, "\(text): \(error?.message ?? "")")
        }
    }

    @Test func aCustomersTicketRunsOnItsContract() async throws {
        var configuration = CoordinatorConfiguration()
        try configuration.apply(yaml: Self.yaml, name: "triage.yaml")
        try await TestCoordinator.with(sla: configuration.sla) { t in
            try await t.test { client in
                #expect(t.customerId == 1)
                let gold = try await client.post("/api/v1/tickets", #"{"title": "Gold", "severity": 2, "customerId": 1}"#)
                #expect(gold.json["responseDueAt"] as? String == "2026-11-18T11:16:40.000Z")
                #expect(gold.json["resolveDueAt"] as? String == "2026-11-18T12:06:40.000Z")
                #expect(gold.json["responseWarnAt"] as? String == "2026-11-18T11:11:40.000Z")
                let plain = try await client.post("/api/v1/tickets", #"{"title": "Plain", "severity": 2}"#)
                #expect(plain.json["responseDueAt"] as? String == "2026-11-18T11:36:40.000Z")
                // Moving a ticket to the contract customer moves its deadlines from its creation.
                let moved = try await client.patch("/api/v1/tickets/\(plain.id)", #"{"customerId": 1}"#)
                #expect(moved.json["responseDueAt"] as? String == "2026-11-18T11:16:40.000Z")
            }
        }
    }

    @Test func oneInstanceHoldsTheSchedulerLeaseAndAnotherTakesOverWhenItLapses() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "Down", "severity": 1}"#).id
                t.clock.advance(minutes: 12)
                // Both instances share the database; the first to take the lease (10 minutes) works.
                #expect(
                    try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now, holder: "a", leaseSeconds: 600).map(\.kind.rawValue)
                        == ["sla_warning"])
                t.clock.advance(minutes: 4)  // the breach is due, but "a" holds the lease
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now, holder: "b", leaseSeconds: 600).isEmpty)
                // "a" stops renewing: once its lease lapses "b" takes over and sends the breach, once.
                t.clock.advance(minutes: 6.02)
                #expect(
                    try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now, holder: "b", leaseSeconds: 600).map(\.kind.rawValue)
                        == ["sla_breach"])
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now, holder: "a", leaseSeconds: 600).isEmpty)
                #expect(try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now, holder: "b", leaseSeconds: 600).isEmpty)
                let breaches = try await client.get("/api/v1/tickets/\(id)/events").items.filter { $0["type"] as? String == "sla_breach" }
                #expect(breaches.count == 1)
            }
        }
    }
}
