import Foundation
import TriageModel

/// The health rules as a pure function: a report and what was known before it give a `HealthPlan`
/// (hysteresis and flapping per item, new problems grouped into one ticket or sent to an on-site
/// visit's, a recurrence within the reopen window, auto-resolve of untouched agent tickets, the
/// end of a host's silence). No I/O: `HealthIntake` loads the snapshot and applies the plan.
package struct HealthPlanner: Sendable {
    package var policy: HealthPolicy
    package var assignment: AssignmentPolicy

    /// What the snapshot must hold for `plan`, from the report and the host's item states.
    package func wants(
        _ report: DiagnosticReport, hostId: Int, states: [CheckState], hostHealth: HostHealth?, interval: Int?,
        at: Date
    ) -> SnapshotWants {
        var wants = SnapshotWants()
        if interval != nil, let silent = hostHealth?.silentTicketId {
            wants.tickets.insert(silent)
            wants.mayResolve.insert(silent)
        }
        for seen in observe(report, states, hostId: hostId, at: at).seen {
            if seen.opensProblem { wants.visit = true }
            guard let ticket = seen.state.ticketId else { continue }
            if seen.opensProblem || seen.concernsTicket { wants.tickets.insert(ticket) }
            if seen.recovered { wants.mayResolve.insert(ticket) }
        }
        return wants
    }

    package func plan(_ report: DiagnosticReport, _ snapshot: HealthSnapshot, at: Date) -> HealthPlan {
        var plan = HealthPlan()
        var tickets = snapshot.tickets
        let host = snapshot.host
        func untouched(_ ticket: Ticket) -> Bool {
            !ticket.createdBy.isPerson && !snapshot.touchedByPeople.contains(ticket.id)
        }

        // A push agent that reports is not silent; its "not reporting" ticket gets the news.
        if let interval = snapshot.interval {
            plan.hostHealth = HostHealth(
                hostId: host.id, lastReportAt: at, intervalSeconds: interval, silentTicketId: nil,
                byAgent: snapshot.byAgent)
            if let before = snapshot.hostHealth, let silent = before.silentTicketId, let ticket = tickets[silent], ticket.status.isOpen {
                var update = HealthTicketUpdate(
                    ticketId: silent, events: [NewEvent(.hostReporting(HostReporting(lastReportAt: before.lastReportAt)))])
                if untouched(ticket) {
                    update.resolve = "the host reports again"
                    tickets[silent]?.status = .resolved
                    tickets[silent]?.resolvedAt = at
                    plan.resolved.append(silent)
                } else {
                    plan.updated.append(silent)
                }
                plan.updates.append(update)
            }
        }

        var (states, observed) = observe(report, snapshot.states, hostId: host.id, at: at)
        var fresh: [CheckState] = []
        var touched: [Int: [NewEvent]] = [:]
        var cleared: Set<Int> = []
        for seen in observed {
            let state = seen.state
            if seen.opensProblem {
                fresh.append(state)
                continue
            }
            guard let ticket = state.ticketId else { continue }
            let item = CheckedItem(plugin: state.plugin, item: state.item, status: state.status.rawValue, summary: state.summary)
            if seen.observation.flappingStarted { touched[ticket, default: []].append(NewEvent(.flapping(item))) }
            if seen.observation.flappingStopped { touched[ticket, default: []].append(NewEvent(.flappingStopped(item))) }
            if seen.observation.worsenedOrChanged { touched[ticket, default: []].append(NewEvent(.problemChanged(item))) }
            if seen.recovered {
                touched[ticket, default: []].append(NewEvent(.recovered(item)))
                cleared.insert(ticket)
            }
        }

        // Known problems back again go to their ticket (reopened within the window); the rest open one.
        var grouped: [CheckState] = []
        for state in fresh {
            if let id = state.ticketId, let ticket = tickets[id],
                ticket.status.isOpen
                    || ticket.resolvedAt.map({ at.timeIntervalSince($0) <= Double(policy.reopenWindowHours) * 3600 }) == true
            {
                touched[id, default: []].append(NewEvent(.problem(Problems(items: [Self.describe(state)]))))
            } else {
                grouped.append(state)
            }
        }
        // A technician on site at the host: new problems go to the visit's ticket, not a new one.
        if !grouped.isEmpty, let visit = snapshot.visitOnSite {
            touched[visit.ticketId, default: []].append(
                NewEvent(
                    .problem(
                        Problems(
                            items: grouped.map(Self.describe),
                            duringVisit: visit.id))))
            for state in grouped { states[state.key]?.ticketId = visit.ticketId }
        } else if !grouped.isEmpty {
            plan.newTicket = newTicket(for: grouped, on: host, report: report)
        }

        for (id, events) in touched.sorted(by: { $0.key < $1.key }) {
            guard let ticket = tickets[id] else { continue }
            var update = HealthTicketUpdate(ticketId: id, events: events)
            if !ticket.status.isOpen && events.contains(where: { $0.kind == .problem }) {
                update.reopen = "the problem came back within \(policy.reopenWindowHours) h"
                plan.reopened.append(id)
            } else {
                plan.updated.append(id)
            }
            update.tagFlapping = events.contains(where: { $0.kind == .flapping }) && !ticket.tags.contains("flapping")
            let itsStates =
                states.values.filter { $0.ticketId == id }
                + snapshot.otherStates.filter { $0.hostId != host.id && $0.ticketId == id }
            if cleared.contains(id), ticket.status.isOpen || update.reopen != nil,
                !itsStates.contains(where: { $0.problem || $0.flapping }), untouched(ticket)
            {
                update.resolve = "every problem recovered; an agent opened it and no person touched it"
                plan.resolved.append(id)
            }
            plan.updates.append(update)
        }

        let before = Dictionary(uniqueKeysWithValues: snapshot.states.map { ($0.key, $0) })
        plan.states = states.values.filter { before[$0.key] != $0 }.sorted { ($0.plugin, $0.item) < ($1.plugin, $1.item) }
        return plan
    }

    /// One item's report against its state.
    package struct Seen {
        package var state: CheckState
        package var observation: CheckState.Observation

        /// A new problem for a ticket: it became one, or started flapping without a ticket.
        package var opensProblem: Bool {
            observation.transition == .opened || (observation.flappingStarted && state.ticketId == nil)
        }
        /// Recovered: a problem cleared, or flapping over and the item is fine.
        package var recovered: Bool {
            observation.transition == .cleared || (observation.flappingStopped && !state.problem)
        }
        /// Something its ticket's history records.
        package var concernsTicket: Bool {
            observation.flappingStarted || observation.flappingStopped || observation.worsenedOrChanged || recovered
        }
    }

    /// Every check of the report observed against its item's state (a new item starts OK).
    private func observe(_ report: DiagnosticReport, _ before: [CheckState], hostId: Int, at: Date)
        -> (states: [String: CheckState], seen: [Seen])
    {
        var states = Dictionary(uniqueKeysWithValues: before.map { ($0.key, $0) })
        var seen: [Seen] = []
        for check in report.checks {
            let key = CheckState.key(check.plugin, check.item)
            var state = states[key] ?? CheckState(hostId: hostId, plugin: check.plugin, item: check.item, at: at)
            let observation = state.observe(check.status, summary: check.summary, at: at, policy: policy)
            states[key] = state
            seen.append(Seen(state: state, observation: observation))
        }
        return (states, seen)
    }

    private static func describe(_ state: CheckState) -> CheckedItem {
        CheckedItem(
            plugin: state.plugin, item: state.item, status: state.status.rawValue, summary: state.summary,
            flapping: state.flapping)
    }

    /// One ticket for the problems a report brought up together.
    private func newTicket(for states: [CheckState], on host: Record<HostFields>, report: DiagnosticReport) -> NewHealthTicket {
        let lines = states.map { "\($0.plugin) \($0.item): \($0.status.rawValue) — \($0.summary)" }
        let title =
            states.count == 1
            ? "\(host.fields.name): \(states[0].plugin) \(states[0].item) \(states[0].status.rawValue)"
            : "\(host.fields.name): \(states.count) problems (\(states.map { "\($0.plugin) \($0.item)" }.joined(separator: ", ")))"
        let severity = states.map { policy.severity(of: $0.status, on: host.fields.criticality) }.min() ?? 4
        let items = Set(states.map(\.key))
        let skills = Set(report.checks.filter { items.contains(CheckState.key($0.plugin, $0.item)) }.flatMap(assignment.skills(for:)))
            .sorted()
        let input = TicketInput(
            title: String(title.prefix(200)), severity: severity, channel: .agent, hostId: host.id, requiredSkills: skills,
            description: lines.joined(separator: "\n"), tags: states.contains(where: \.flapping) ? ["flapping"] : [])
        return NewHealthTicket(
            input: input, dedupeKey: "health/\(host.id)/\(states[0].plugin)/\(states[0].item)", items: items,
            events: [NewEvent(.problem(Problems(items: states.map(Self.describe))))])
    }
}
