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

/// The health rules without I/O: a report and a snapshot in, a plan out (defaults: a problem after
/// 2 bad reports, recovered after 2 good ones, reopen within 24 h).
@Suite struct HealthPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let host = Record(id: 7, fields: HostFields(siteId: 1, name: "web1", criticality: .high), createdAt: now, updatedAt: now)
    static let planner = HealthPlanner(policy: HealthPolicy(), assignment: AssignmentPolicy())

    static func report(_ checks: [(String, String, CheckStatus)]) -> DiagnosticReport {
        DiagnosticReport(
            host: "web1", startedAt: now, durationMs: 1, agentVersion: "t",
            checks: checks.map {
                CheckResult(
                    plugin: $0.0, item: $0.1, status: $0.2, summary: "\($0.1) \($0.2.rawValue)", metrics: [], durationMs: 1,
                    skills: $0.0 == "disk" ? ["storage"] : nil)
            })
    }

    /// An item state as `reports` reports of `status` in a row left it.
    static func state(
        _ plugin: String, _ item: String, _ status: CheckStatus, reports: Int = 3, ticket: Int? = nil,
        hostId: Int = 7
    ) -> CheckState {
        var state = CheckState(hostId: hostId, plugin: plugin, item: item, at: now - 3600)
        for minute in 0..<reports {
            _ = state.observe(status, summary: "\(item) \(status.rawValue)", at: now - 3600 + Double(minute * 60), policy: HealthPolicy())
        }
        state.ticketId = ticket
        return state
    }

    static func ticket(
        _ id: Int, _ status: TicketStatus = .assigned, resolvedHoursAgo: Double? = nil,
        createdBy: Actor = .system(.health), tags: [String] = []
    ) -> Ticket {
        Ticket(
            id: id, title: "t", description: "", customerId: 1, hostId: 7, severity: 2, tier: 1, status: status,
            channel: .agent, assigneeId: 3, assignedAt: now - 7200, tags: tags, requiredSkills: [],
            responseDueAt: now, resolveDueAt: now, responseWarnAt: now, resolveWarnAt: now, firstResponseAt: nil,
            resolvedAt: resolvedHoursAgo.map { now - $0 * 3600 }, closedAt: nil, flags: TicketFlags(), dedupeKey: nil,
            createdBy: createdBy, createdAt: now - 86_400 * 3, updatedAt: now - 7200)
    }

    static func snapshot(
        _ states: [CheckState], tickets: [Ticket] = [], interval: Int? = 60, hostHealth: HostHealth? = nil,
        touched: Set<Int> = [], others: [CheckState] = [], visit: Visit? = nil
    ) -> HealthSnapshot {
        HealthSnapshot(
            host: host, interval: interval, hostHealth: hostHealth, states: states,
            tickets: Dictionary(uniqueKeysWithValues: tickets.map { ($0.id, $0) }), touchedByPeople: touched,
            otherStates: others, visitOnSite: visit)
    }

    static func plan(_ checks: [(String, String, CheckStatus)], _ snapshot: HealthSnapshot) -> HealthPlan {
        planner.plan(report(checks), snapshot, at: now)
    }

    @Test func aSteadyReportChangesNoItemAndTouchesNoTicket() {
        let states = [Self.state("disk", "fs /", .ok), Self.state("services", "cron", .critical, ticket: 4)]
        let plan = Self.plan([("disk", "fs /", .ok), ("services", "cron", .critical)], Self.snapshot(states, tickets: [Self.ticket(4)]))
        #expect(plan.states.isEmpty && plan.updates.isEmpty && plan.newTicket == nil)
        #expect(plan.hostHealth == HostHealth(hostId: 7, lastReportAt: Self.now, intervalSeconds: 60, silentTicketId: nil))
        #expect(
            Self.planner.wants(
                Self.report([("disk", "fs /", .ok)]), hostId: 7, states: states, hostHealth: nil, interval: 60,
                at: Self.now) == SnapshotWants())
    }

    @Test func hysteresisOpensOneTicketForTheProblemsOfOneReport() {
        let first = Self.plan([("disk", "fs /", .critical), ("network", "gateway", .warning)], Self.snapshot([]))
        #expect(first.newTicket == nil && first.states.map(\.badStreak) == [1, 1] && first.states.allSatisfy { !$0.problem })

        let states = [Self.state("disk", "fs /", .critical, reports: 1), Self.state("network", "gateway", .warning, reports: 1)]
        let second = Self.plan([("disk", "fs /", .critical), ("network", "gateway", .warning)], Self.snapshot(states))
        let new = try! #require(second.newTicket)
        #expect(new.input.title == "web1: 2 problems (disk fs /, network gateway)")
        #expect(new.input.severity == 2 && new.input.hostId == 7 && new.input.requiredSkills == ["storage"])  // critical on a high host
        #expect(new.dedupeKey == "health/7/disk/fs /" && new.items.count == 2 && new.events.map(\.kind) == [.problem])
        #expect(second.states.allSatisfy { $0.problem } && second.updates.isEmpty)
        #expect(
            Self.planner.wants(
                Self.report([("disk", "fs /", .critical)]), hostId: 7, states: states, hostHealth: nil,
                interval: 60, at: Self.now
            ).visit)
    }

    @Test func aTechnicianOnSiteGetsTheNewProblemsOnTheirVisitsTicket() {
        let visit = Visit(
            id: 5, ticketId: 9, technicianId: 3, siteId: 1, start: Self.now - 600, end: Self.now + 3000,
            status: .onSite, createdAt: Self.now, updatedAt: Self.now)
        let plan = Self.plan(
            [("disk", "fs /", .critical)],
            Self.snapshot([Self.state("disk", "fs /", .critical, reports: 1)], tickets: [Self.ticket(9)], visit: visit))
        #expect(plan.newTicket == nil && plan.states.map(\.ticketId) == [9] && plan.updated == [9])
        guard case .problem(let problems)? = plan.updates.first?.events.first?.entry else {
            Issue.record("no problem event: \(plan.updates)")
            return
        }
        #expect(problems.duringVisit == 5 && problems.items.map(\.item) == ["fs /"])
    }

    @Test(arguments: [
        // resolved this many hours ago → reopened (true) or a new ticket (false)
        (2.0, true), (23.5, true), (24.5, false),
    ])
    func aProblemBackWithinTheWindowReopensItsTicket(hoursAgo: Double, reopens: Bool) {
        let recovered = Self.state("disk", "fs /", .ok, reports: 3, ticket: 4)
        var back = recovered
        _ = back.observe(.critical, summary: "fs / critical", at: Self.now - 60, policy: HealthPolicy())
        let plan = Self.plan(
            [("disk", "fs /", .critical)],
            Self.snapshot([back], tickets: [Self.ticket(4, .resolved, resolvedHoursAgo: hoursAgo)]))
        #expect((plan.reopened == [4]) == reopens && (plan.newTicket != nil) == !reopens)
        #expect(plan.updates.first?.reopen == (reopens ? "the problem came back within 24 h" : nil))
    }

    @Test(arguments: [
        // who opened it, whether a person touched it, another item still bad, another host's item still bad → resolved
        (Actor.system(.health), false, false, false, true),
        (Actor.system(.health), true, false, false, false),
        (Actor.person(.dispatcher, "dora"), false, false, false, false),
        (Actor.system(.health), false, true, false, false),
        (Actor.system(.health), false, false, true, false),
    ])
    func aRecoveryResolvesOnlyUntouchedAgentTicketsWithNothingLeft(
        createdBy: Actor, touched: Bool, otherItemBad: Bool, otherHostBad: Bool, resolves: Bool
    ) {
        var states = [Self.state("disk", "fs /", .ok, reports: 1, ticket: 4)]
        states[0].problem = true
        if otherItemBad { states.append(Self.state("disk", "fs /var", .critical, ticket: 4)) }
        let others = otherHostBad ? [Self.state("disk", "fs /", .critical, ticket: 4, hostId: 8)] : []
        let plan = Self.plan(
            [("disk", "fs /", .ok)],
            Self.snapshot(
                states, tickets: [Self.ticket(4, createdBy: createdBy)], touched: touched ? [4] : [],
                others: others))
        #expect(plan.updates.map(\.ticketId) == [4] && plan.updates[0].events.map(\.kind) == [.recovered])
        #expect((plan.resolved == [4]) == resolves && plan.updated == [4])
        #expect(
            Self.planner.wants(
                Self.report([("disk", "fs /", .ok)]), hostId: 7, states: states, hostHealth: nil, interval: nil,
                at: Self.now) == SnapshotWants(tickets: [4], mayResolve: [4]))
    }

    @Test func flappingTagsTheTicketOrOpensOneTaggedFlapping() {
        // Four changes within the hour so far; the fifth is flapping.
        var state = CheckState(hostId: 7, plugin: "network", item: "gateway", at: Self.now - 600)
        for (minute, status) in [CheckStatus.critical, .ok, .critical, .ok].enumerated() {
            _ = state.observe(status, summary: "s", at: Self.now - 600 + Double(minute * 60), policy: HealthPolicy())
        }
        let withTicket = {
            var s = state
            s.ticketId = 4
            return s
        }()
        let tagged = Self.plan([("network", "gateway", .critical)], Self.snapshot([withTicket], tickets: [Self.ticket(4)]))
        #expect(tagged.updates.first?.events.map(\.kind) == [.flapping] && tagged.updates.first?.tagFlapping == true)

        let opened = Self.plan([("network", "gateway", .critical)], Self.snapshot([state]))
        #expect(opened.newTicket?.input.tags == ["flapping"] && opened.states.first?.flapping == true)
    }

    @Test func aSilentHostThatReportsAgainResolvesItsUntouchedTicket() {
        let silence = HostHealth(hostId: 7, lastReportAt: Self.now - 900, intervalSeconds: 60, silentTicketId: 6)
        let back = Self.plan([], Self.snapshot([], tickets: [Self.ticket(6)], hostHealth: silence))
        #expect(back.resolved == [6] && back.updates.first?.resolve == "the host reports again")
        #expect(back.updates.first?.events == [NewEvent(.hostReporting(HostReporting(lastReportAt: Self.now - 900)))])

        let touched = Self.plan([], Self.snapshot([], tickets: [Self.ticket(6)], hostHealth: silence, touched: [6]))
        #expect(touched.resolved.isEmpty && touched.updated == [6])

        // A sweep (no interval) says nothing about the agent's silence.
        let sweep = Self.plan([], Self.snapshot([], tickets: [Self.ticket(6)], interval: nil, hostHealth: silence))
        #expect(sweep.hostHealth == nil && sweep.updates.isEmpty)
    }

    @Test func anItemsStateChangesOnlyWhenSomethingAboutItChanges() {
        var state = Self.state("disk", "fs /", .ok, reports: 5)
        #expect(state.okStreak == 2 && state.updatedAt == Self.now - 3600 + 60)  // counted up to clearAfter
        let before = state
        _ = state.observe(.ok, summary: "fs / ok", at: Self.now, policy: HealthPolicy())
        #expect(state == before)
        _ = state.observe(.ok, summary: "fs / ok, 71% used", at: Self.now, policy: HealthPolicy())
        #expect(state.updatedAt == Self.now && state.summary == "fs / ok, 71% used")
    }
}
