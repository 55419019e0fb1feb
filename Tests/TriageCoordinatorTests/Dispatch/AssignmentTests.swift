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

/// Assignment by the rules of docs/coordinator.md ("Assignment"), on a real store: who is eligible, how they rank, and
/// the words of the explanation. The test clock stands at Wednesday 2026-11-18 11:06:40 UTC
/// (12:06 in Berlin, 06:06 in New York, 20:06 in Tokyo).
@Suite struct AssignmentTests {
    static let admin = Principal(tokenId: 1, name: "root", role: .admin)

    static func office(_ zone: String = "Europe/Berlin", from: String = "08:00", to: String = "17:00") -> [TechnicianFields.Shift] {
        (1...5).map { TechnicianFields.Shift(weekday: $0, start: from, end: to) }
    }

    static func technician(
        _ name: String, tier: Int = 2, skills: [String] = ["network"], zone: String = "Europe/Berlin",
        maxLoad: Int = 16, active: Bool = true
    ) -> TechnicianFields {
        TechnicianFields(
            name: name, tier: tier, skills: skills, timeZone: zone, shifts: office(), maxLoad: maxLoad,
            active: active)
    }

    /// Adds technicians and gives each the open tickets (by severity) that make up their load,
    /// all for `customer`.
    static func staff(_ t: TestCoordinator, customer: Int, _ people: [(TechnicianFields, [Int])]) async throws -> [String: Int] {
        try await t.store.write { [coordinator = t.coordinator] session in
            var ids: [String: Int] = [:]
            for (fields, severities) in people {
                let id = try await coordinator.inventory.create(fields, by: admin, in: session).id
                ids[fields.name] = id
                for severity in severities {
                    _ = try await coordinator.tickets.create(
                        TicketInput(title: "load of \(fields.name)", severity: severity, customerId: customer, assigneeId: id),
                        by: admin, in: session)
                }
            }
            return ids
        }
    }

    static func customer(_ t: TestCoordinator, _ name: String) async throws -> Int {
        try await t.store.write { [coordinator = t.coordinator] in
            try await coordinator.inventory.create(CustomerFields(name: name), by: admin, in: $0).id
        }
    }

    static func create(_ t: TestCoordinator, _ input: TicketInput) async throws -> (Ticket, [TicketEvent]) {
        try await t.store.write { [coordinator = t.coordinator] session in
            let ticket = try await coordinator.tickets.create(input, by: admin, in: session)
            return (ticket, try await session.events(ticketId: ticket.id, after: nil, limit: 100))
        }
    }

    @Test func aThousandTechniciansTheRulesPickOneAndSayWhy() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let acme = try await Self.customer(t, "Acme")
            let elsewhere = try await Self.customer(t, "Initech")
            var people: [(TechnicianFields, [Int])] = (0..<992).map { i in
                switch i % 4 {
                case 0: (Self.technician("n\(i)", tier: 1), [])  // below tier
                case 1: (Self.technician("n\(i)", skills: ["linux"]), [])  // lacks network
                case 2:  // off shift in Tokyo
                    (
                        TechnicianFields(
                            name: "n\(i)", tier: 3, skills: ["network"], timeZone: "Asia/Tokyo",
                            shifts: Self.office()), []
                    )
                default: (Self.technician("n\(i)", skills: ["network", "linux"]), [1])  // eligible, load 8
                }
            }
            var absent = Self.technician("Dee")
            absent.absences = [
                .init(
                    from: t.clock.now.addingTimeInterval(-3600), to: t.clock.now.addingTimeInterval(86_400),
                    reason: "training")
            ]
            var newYork = Self.technician("Cid", zone: "America/New_York")
            newYork.shifts = Self.office()
            people += [
                (Self.technician("Ana"), [3]),  // load 2: the winner
                (Self.technician("Ben", tier: 3), [3, 4]),  // load 3: the runner-up
                (newYork, []),  // on shift only from 13:00 UTC
                (absent, []),
                (Self.technician("Eve", tier: 1), []),
                (Self.technician("Fay", skills: ["storage"]), []),
                (Self.technician("Gus", maxLoad: 2), [3]),  // at their maximum
                (Self.technician("Hal", active: false), []),
            ]
            let ids = try await Self.staff(t, customer: elsewhere, people)
            #expect(ids.count == 1000)

            let (ticket, events) = try await Self.create(
                t, TicketInput(title: "Branch VPN down", severity: 2, tier: 2, customerId: acme, requiredSkills: ["network"]))
            #expect(ticket.assigneeId == ids["Ana"])
            #expect(ticket.status == .assigned)
            let assigned = try #require(events.first { $0.kind.rawValue == "assigned" })
            #expect(assigned.actor == .system(.assignment))
            #expect(
                assigned.data["reason"]
                    == .string(
                        "Ana: tier 2 for a tier 2 ticket, skills network, on shift now, load 2 of 16; "
                            + "lowest load of 250 eligible (next: Ben with 3)"))
            #expect(assigned.data["eligible"] == 250)
            #expect(assigned.data["runnerUp"]?["name"] == "Ben")
            #expect(assigned.data["runnerUp"]?["qualifies"] == "tier 3 for a tier 2 ticket, skills network, on shift now, load 3 of 16")
            #expect(assigned.data["trigger"] == "created")

            // A skill nobody has: the ticket stays new and the event counts why, rule by rule.
            let (nobody, why) = try await Self.create(
                t, TicketInput(title: "Mainframe", severity: 2, tier: 2, customerId: acme, requiredSkills: ["mainframe"]))
            #expect(nobody.status == .new && nobody.assigneeId == nil)
            #expect(why.last?.kind.rawValue == "unassignable")
            #expect(why.last?.data["reason"] == "no eligible technician among 999 active: 249 below tier 2, 750 without skills mainframe")
            // Off shift and at maximum load are named too.
            let (late, lateWhy) = try await Self.create(
                t, TicketInput(title: "Tier 3 only", severity: 2, tier: 3, customerId: acme, requiredSkills: ["network"]))
            #expect(late.assigneeId == ids["Ben"])
            #expect(
                lateWhy.first { $0.kind.rawValue == "assigned" }?.data["reason"]
                    == "Ben: tier 3 for a tier 3 ticket, skills network, on shift now, load 3 of 16; the only eligible technician")
            // The desk hears of it: Dora; root opened the ticket and is not told of their own doing.
            let dora = try #require(try await t.store.read { try await $0.user(login: "dora") })
            let told = try await t.coordinator.notifications.list(unreadOnly: true, before: nil, limit: 10, by: dora.principal).items
            #expect(told.map(\.kind) == [.unassignable] && told.first?.ticketId == nobody.id)
            #expect(told.first?.text.hasPrefix("Nobody can take it: no eligible technician among 999 active") == true)
        }
    }

    @Test func offShiftAbsentAndFullAreRefusedInWords() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let acme = try await Self.customer(t, "Acme")
            var absent = Self.technician("Dee")
            absent.absences = [
                .init(
                    from: t.clock.now.addingTimeInterval(-60), to: t.clock.now.addingTimeInterval(7200),
                    reason: nil)
            ]
            _ = try await Self.staff(
                t, customer: acme,
                [
                    (Self.technician("Cid", zone: "America/New_York"), []), (absent, []),
                    (Self.technician("Gus", maxLoad: 2), [3]), (TechnicianFields(name: "Ivy", tier: 2, skills: ["network"]), []),
                ])
            // S1: respond within 15 minutes. Cid starts at 13:00 UTC, Dee is back at 13:06, Ivy has no shifts.
            let (ticket, events) = try await Self.create(t, TicketInput(title: "Core switch", severity: 1, tier: 2, customerId: acme))
            #expect(ticket.status == .new)
            // Gus's own load ticket was assigned to him on creation; the ticket here had nobody.
            #expect(
                events.last?.data["reason"]
                    == .string(
                        "no eligible technician among 4 active: 1 at their maximum load, "
                            + "3 not on shift before the response deadline 2026-11-18T11:21:40Z"))
            // S4: 24 hours to respond, so New York's shift today counts; Dee's absence ends in time too.
            let (later, laterEvents) = try await Self.create(t, TicketInput(title: "Label printer", severity: 4, tier: 2, customerId: acme))
            #expect(later.assigneeId != nil)
            let reason = laterEvents.first { $0.kind.rawValue == "assigned" }?.data["reason"]
            // Cid and Dee tie on every rule; the lower id (Cid, added first) decides.
            #expect(
                reason
                    == .string(
                        "Cid: tier 2 for a tier 2 ticket, no skills required, on shift from 2026-11-18T13:00:00Z, "
                            + "load 0 of 16; tied with Dee on load, continuity and last assignment; the lower id decides"))
        }
    }

    @Test func continuityThenLeastRecentlyAssignedBreakTies() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let acme = try await Self.customer(t, "Acme")
            let globex = try await Self.customer(t, "Globex")
            let ids = try await Self.staff(t, customer: acme, [(Self.technician("Ana"), []), (Self.technician("Ben"), [])])
            // Ben fixed something for Acme an hour ago (resolved: it no longer counts as load).
            let worked = try await Self.create(t, TicketInput(title: "Old", customerId: acme, assigneeId: ids["Ben"]))
            _ = try await t.store.write { [coordinator = t.coordinator] in
                try await coordinator.tickets.update(worked.0.id, TicketPatch(status: .resolved), by: Self.admin, in: $0)
            }
            t.clock.advance(minutes: 60)
            let (acmeTicket, acmeEvents) = try await Self.create(t, TicketInput(title: "Acme again", customerId: acme))
            #expect(acmeTicket.assigneeId == ids["Ben"])
            #expect(
                acmeEvents.first { $0.kind.rawValue == "assigned" }?.data["reason"]?.stringValue?.hasSuffix(
                    "worked this customer or host in the last 30 days; load tied with Ana at 0; continuity: worked this customer or host recently"
                ) == true)

            // Globex is new to both, neither has open tickets: Ana was never assigned, Ben just was.
            _ = try await t.store.write { [coordinator = t.coordinator] in
                try await coordinator.tickets.update(acmeTicket.id, TicketPatch(status: .resolved), by: Self.admin, in: $0)
            }
            let (globexTicket, globexEvents) = try await Self.create(t, TicketInput(title: "Globex", customerId: globex))
            #expect(globexTicket.assigneeId == ids["Ana"])
            #expect(
                globexEvents.first { $0.kind.rawValue == "assigned" }?.data["reason"]?.stringValue?.hasSuffix(
                    "load and continuity tied with Ben; least recently assigned (last never, Ben 2026-11-18T12:06:40Z)") == true)
        }
    }

    @Test func unassigningHandsTheTicketToSomeoneElseAndAssignRunsTheRulesAgain() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let acme = try await Self.customer(t, "Acme")
            let ids = try await Self.staff(t, customer: acme, [(Self.technician("Ana"), []), (Self.technician("Ben"), [4, 4])])
            let (ticket, _) = try await Self.create(t, TicketInput(title: "Mail", customerId: acme))
            #expect(ticket.assigneeId == ids["Ana"])
            let after = try await t.store.write { [coordinator = t.coordinator] in
                try await coordinator.tickets.update(ticket.id, TicketPatch(assigneeId: .some(nil)), by: Self.admin, in: $0)
            }
            #expect(after.assigneeId == ids["Ben"] && after.status == .assigned)
            let events = try await t.store.read { try await $0.events(ticketId: ticket.id, after: nil, limit: 100) }
            #expect(events.suffix(4).map(\.kind.rawValue) == ["unassigned", "status_changed", "assigned", "status_changed"])
            #expect(events.last { $0.kind.rawValue == "assigned" }?.data["trigger"] == "unassigned by admin:root")

            // Running the rules again on request: Ana has the lower load, so the ticket goes back.
            let rerun = try await t.store.write { [coordinator = t.coordinator] in
                try await coordinator.dispatch.assign(ticket: ticket.id, by: Self.admin, in: $0)
            }
            #expect(rerun.assigneeId == ids["Ana"])
            let again = try await t.store.write { [coordinator = t.coordinator] in
                try await coordinator.dispatch.assign(ticket: ticket.id, by: Self.admin, in: $0)
            }
            #expect(again.assigneeId == ids["Ana"])
            let last = try await t.store.read { try await $0.events(ticketId: ticket.id, after: nil, limit: 100) }.last
            #expect(last?.kind.rawValue == "assignment_kept")
        }
    }

    @Test func workloadsAlwaysEqualARecountOfOpenTickets() async throws {
        try await TestCoordinator.with { t in
            var random = SeededGenerator(seed: 42)
            let technicians = [t.technicianId, t.otherTechnicianId]
            var tickets: [Int] = []
            for step in 0..<200 {
                let roll = Int.random(in: 0..<6, using: &random)
                let severity = Int.random(in: 1...4, using: &random)
                let technician = technicians.randomElement(using: &random)!
                let pick = tickets.randomElement(using: &random)
                let created = try await t.store.write { [coordinator = t.coordinator] session -> Int? in
                    guard let id = pick, roll != 0 else {
                        return try await coordinator.tickets.create(
                            TicketInput(title: "t\(step)", severity: severity, assigneeId: technician), by: Self.admin,
                            in: session
                        ).id
                    }
                    guard let ticket = try await session.ticket(id) else { return nil }
                    var patch = TicketPatch()
                    switch roll {
                    case 1: patch.assigneeId = .some(technician)
                    case 2: patch.severity = severity
                    case 3: patch.status = ticket.status.isOpen ? .resolved : nil
                    case 4 where !ticket.status.isOpen:
                        _ = try await coordinator.tickets.reopen(id, ReopenInput(reason: "again"), by: Self.admin, in: session)
                        return nil
                    default: patch.assigneeId = ticket.status.isOpen ? .some(nil) : nil
                    }
                    _ = try? await coordinator.tickets.update(id, patch, by: Self.admin, in: session)
                    return nil
                }
                if let created { tickets.append(created) }
            }
            let (stored, all) = try await t.store.read { session in
                (try await session.workloads(), try await session.tickets(TicketFilter(), before: nil, limit: 10_000))
            }
            for technician in technicians {
                var recount: [Int: Int] = [1: 0, 2: 0, 3: 0, 4: 0]
                for ticket in all where ticket.assigneeId == technician && ticket.status.isOpen {
                    recount[ticket.severity, default: 0] += 1
                }
                #expect(stored[technician]?.openBySeverity ?? [1: 0, 2: 0, 3: 0, 4: 0] == recount, "technician \(technician)")
            }
            #expect(all.count > 20)
        }
    }

    /// Assignment keeps the decoded roster between decisions; every committed technician write
    /// must reach the next decision, and a rolled-back one never may.
    @Test func theCachedRosterFollowsTechnicianWritesAndIgnoresRolledBackOnes() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let acme = try await Self.customer(t, "Acme")
            let ids = try await Self.staff(t, customer: acme, [(Self.technician("Ana"), []), (Self.technician("Ben"), [4])])
            let input = TicketInput(title: "Printer", severity: 4, customerId: acme, requiredSkills: ["network"])
            #expect(try await Self.create(t, input).0.assigneeId == ids["Ana"])

            // Ana goes inactive: the next decision must not pick her from the cache.
            var ana = Self.technician("Ana")
            ana.active = false
            try await t.store.write { [coordinator = t.coordinator, ana] session in
                _ = try await coordinator.inventory.replace(ids["Ana"]!, with: ana, by: Self.admin, in: session)
            }
            #expect(try await Self.create(t, input).0.assigneeId == ids["Ben"])

            // A technician created and assigned in a transaction that fails is gone with it.
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await t.store.write { [coordinator = t.coordinator] session in
                    _ = try await coordinator.inventory.create(Self.technician("Zed"), by: Self.admin, in: session)
                    let ticket = try await coordinator.tickets.create(input, by: Self.admin, in: session)
                    #expect(ticket.assigneeId != ids["Ben"])
                    throw Abort()
                }
            }
            let (after, events) = try await Self.create(t, input)
            #expect(after.assigneeId == ids["Ben"])
            #expect(events.first { $0.kind.rawValue == "assigned" }?.data["eligible"] == 1)

            // A technician deleted outright leaves the roster too.
            let cid = try await t.store.write { [coordinator = t.coordinator] session in
                try await coordinator.inventory.create(Self.technician("Cid"), by: Self.admin, in: session).id
            }
            func decide() async throws -> Int? {
                try await t.store.read { [coordinator = t.coordinator, now = t.clock.now] session in
                    try await coordinator.dispatch.decideAssignment(for: after, excluding: nil, at: now, in: session).chosen?.technicianId
                }
            }
            #expect(try await decide() == cid)
            try await t.store.write { [coordinator = t.coordinator] session in
                try await coordinator.inventory.delete(.technician, cid, by: Self.admin, in: session)
            }
            #expect(try await decide() == ids["Ben"])
        }
    }

    @Test func shiftsFollowTheTechniciansZoneAcrossDaylightSavingChanges() {
        let berlin = RosterMember(Record(id: 1, fields: Self.technician("Ana"), createdAt: .now, updatedAt: .now))
        var plan = ShiftPlan()
        func first(_ iso: String, hours: Double) -> String? {
            let start = try! Date(iso, strategy: .iso8601)
            return plan.firstStretch(of: berlin, within: DateInterval(start: start, duration: hours * 3600))
                .map { $0.start.formatted(.iso8601) + " " + $0.end.formatted(.iso8601) }
        }
        // Monday 30 March 2026, the day after clocks went forward: 08:00 CEST is 06:00 UTC.
        #expect(first("2026-03-30T00:00:00Z", hours: 24) == "2026-03-30T06:00:00Z 2026-03-30T15:00:00Z")
        // Friday 27 March, still winter time: 08:00 CET is 07:00 UTC.
        #expect(first("2026-03-27T00:00:00Z", hours: 24) == "2026-03-27T07:00:00Z 2026-03-27T16:00:00Z")
        // Saturday to Monday: the weekend is skipped.
        #expect(first("2026-03-28T00:00:00Z", hours: 60) == "2026-03-30T06:00:00Z 2026-03-30T12:00:00Z")
        // Within a shift, the stretch starts now.
        #expect(first("2026-11-18T11:06:40Z", hours: 1) == "2026-11-18T11:06:40Z 2026-11-18T12:06:40Z")
        #expect(first("2026-11-18T16:30:00Z", hours: 2) == nil)
    }
}
