import Foundation

/// What assignment decided and why, in words a dispatcher can check (docs/coordinator.md, "Assignment").
/// One technician against one ticket, as a dispatcher assigning by hand sees it.
public struct TechnicianEligibility: Sendable, Equatable {
    public var technicianId: Int
    public var name: String
    public var eligible: Bool
    /// Why they qualify (tier, skills, shift, load), or why not.
    public var why: String
}

public struct AssignmentDecision: Sendable, Equatable {
    public struct Pick: Sendable, Equatable {
        public var technicianId: Int
        public var name: String
        /// Why this technician qualifies: tier, skills, shift, load, continuity.
        public var qualifies: String
    }

    public var chosen: Pick?
    public var runnerUp: Pick?
    public var eligible: Int
    /// Why the chosen one won, or why nobody could be chosen.
    public var reason: String
}

/// The deterministic ranking: eligible technicians (active, tier ≥ the ticket's, skills ⊇ the
/// required ones, weighted load below their maximum, on shift before the deadline), then the
/// lowest weighted load, then continuity, then the least recently assigned, then the lower id.
package struct Assigner {
    package let policy: AssignmentPolicy

    package struct Context {
        package var ticket: Ticket
        package var now: Date
        /// The first deadline still ahead: the response while unanswered, else the resolution.
        package var deadline: Date
        package var deadlineName: String
        package var workloads: [Int: Workload]
        /// Worked this customer or host within the continuity window.
        package var worked: Set<Int>
        /// Not to be chosen (the technician just unassigned).
        package var excluding: Int?
    }

    private struct Candidate {
        var technician: Technician
        var load: Int
        var continuity: Bool
        var lastAssignedAt: Date?
        var onShift: DateInterval

        func ranks(before other: Candidate) -> Bool {
            if load != other.load { return load < other.load }
            if continuity != other.continuity { return continuity }
            switch (lastAssignedAt, other.lastAssignedAt) {
            case (nil, .some): return true
            case (.some, nil): return false
            case (let a?, let b?) where a != b: return a < b
            default: return technician.id < other.technician.id
            }
        }
    }

    /// Why a technician cannot take the ticket.
    private enum Refusal: Error {
        case excluded, tier, skills, load, shift
    }

    /// One active technician against the ticket: a candidate, or why not.
    private func examine(
        _ member: RosterMember, _ context: Context, required: Set<String>, window: DateInterval,
        plan: inout ShiftPlan
    ) -> Result<Candidate, Refusal> {
        let technician = member.technician
        let fields = technician.fields
        let load = policy.load(context.workloads[technician.id])
        if technician.id == context.excluding { return .failure(.excluded) }
        if fields.tier < context.ticket.tier { return .failure(.tier) }
        if !required.isSubset(of: fields.skills) { return .failure(.skills) }
        if load >= fields.maxLoad { return .failure(.load) }
        guard let onShift = plan.firstStretch(of: member, within: window) else { return .failure(.shift) }
        return .success(
            Candidate(
                technician: technician, load: load, continuity: context.worked.contains(technician.id),
                lastAssignedAt: context.workloads[technician.id]?.lastAssignedAt, onShift: onShift))
    }

    /// Look for a shift from now to the deadline; past it, only being on shift now counts.
    private static func window(_ context: Context) -> DateInterval {
        DateInterval(start: context.now, end: max(context.deadline, context.now.addingTimeInterval(60)))
    }

    /// Every active technician with whether they may take the ticket and why (or why not), in
    /// ranking order for the eligible ones, then the others by name: what a dispatcher reassigning
    /// by hand reads.
    package func eligibility(among roster: [RosterMember], _ context: Context) -> [TechnicianEligibility] {
        var plan = ShiftPlan()
        let (window, required) = (Self.window(context), Set(context.ticket.requiredSkills))
        var eligible: [Candidate] = []
        var refused: [TechnicianEligibility] = []
        for member in roster where member.technician.fields.active {
            switch examine(member, context, required: required, window: window, plan: &plan) {
            case .success(let candidate): eligible.append(candidate)
            case .failure(let refusal):
                let fields = member.technician.fields
                let why: String =
                    switch refusal {
                    case .excluded: "just unassigned from it"
                    case .tier: "tier \(fields.tier), below the ticket's tier \(context.ticket.tier)"
                    case .skills: "lacks \(required.subtracting(fields.skills).sorted().joined(separator: ", "))"
                    case .load: "at their maximum load (\(policy.load(context.workloads[member.technician.id])) of \(fields.maxLoad))"
                    case .shift: "not on shift before the \(context.deadlineName) deadline \(Self.time(context.deadline))"
                    }
                refused.append(TechnicianEligibility(technicianId: member.technician.id, name: fields.name, eligible: false, why: why))
            }
        }
        return eligible.sorted { $0.ranks(before: $1) }.map {
            TechnicianEligibility(
                technicianId: $0.technician.id, name: $0.technician.fields.name, eligible: true, why: qualifies($0, context))
        } + refused.sorted { ($0.name, $0.technicianId) < ($1.name, $1.technicianId) }
    }

    package func decide(among roster: [RosterMember], _ context: Context) -> AssignmentDecision {
        let ticket = context.ticket
        let (window, required) = (Self.window(context), Set(ticket.requiredSkills))
        var plan = ShiftPlan()
        var eligible: [Candidate] = []
        var refused = (excluded: 0, tier: 0, skills: 0, load: 0, shift: 0)
        var active = 0
        for member in roster where member.technician.fields.active {
            active += 1
            switch examine(member, context, required: required, window: window, plan: &plan) {
            case .success(let candidate): eligible.append(candidate)
            case .failure(.excluded): refused.excluded += 1
            case .failure(.tier): refused.tier += 1
            case .failure(.skills): refused.skills += 1
            case .failure(.load): refused.load += 1
            case .failure(.shift): refused.shift += 1
            }
        }
        let ranked = eligible.sorted { $0.ranks(before: $1) }
        guard let first = ranked.first else {
            var why: [String] = []
            if refused.excluded > 0 { why.append("\(refused.excluded) just unassigned") }
            if refused.tier > 0 { why.append("\(refused.tier) below tier \(ticket.tier)") }
            if refused.skills > 0 { why.append("\(refused.skills) without skills \(ticket.requiredSkills.joined(separator: ", "))") }
            if refused.load > 0 { why.append("\(refused.load) at their maximum load") }
            if refused.shift > 0 {
                why.append("\(refused.shift) not on shift before the \(context.deadlineName) deadline \(Self.time(context.deadline))")
            }
            let reason =
                active == 0
                ? "no eligible technician: there are no active technicians"
                : "no eligible technician among \(active) active: \(why.joined(separator: ", "))"
            return AssignmentDecision(chosen: nil, runnerUp: nil, eligible: 0, reason: reason)
        }
        let second = ranked.dropFirst().first
        return AssignmentDecision(
            chosen: pick(first, context), runnerUp: second.map { pick($0, context) }, eligible: ranked.count,
            reason: "\(first.technician.fields.name): \(qualifies(first, context)); \(decisive(first, second, ranked.count))")
    }

    private func pick(_ candidate: Candidate, _ context: Context) -> AssignmentDecision.Pick {
        AssignmentDecision.Pick(
            technicianId: candidate.technician.id, name: candidate.technician.fields.name,
            qualifies: qualifies(candidate, context))
    }

    private func qualifies(_ candidate: Candidate, _ context: Context) -> String {
        let ticket = context.ticket
        let shift =
            candidate.onShift.start <= context.now
            ? "on shift now" : "on shift from \(Self.time(candidate.onShift.start))"
        let fields = candidate.technician.fields
        let skills = ticket.requiredSkills.isEmpty ? "no skills required" : "skills \(ticket.requiredSkills.joined(separator: ", "))"
        var words = [
            "tier \(fields.tier) for a tier \(ticket.tier) ticket", skills,
            shift, "load \(candidate.load) of \(fields.maxLoad)",
        ]
        if candidate.continuity { words.append("worked this customer or host in the last \(policy.continuityDays) days") }
        return words.joined(separator: ", ")
    }

    /// What set the winner apart from the runner-up.
    private func decisive(_ first: Candidate, _ second: Candidate?, _ count: Int) -> String {
        guard let second else { return "the only eligible technician" }
        let other = second.technician.fields.name
        if first.load != second.load {
            return "lowest load of \(count) eligible (next: \(other) with \(second.load))"
        }
        if first.continuity != second.continuity {
            return "load tied with \(other) at \(first.load); continuity: worked this customer or host recently"
        }
        if first.lastAssignedAt != second.lastAssignedAt {
            let mine = first.lastAssignedAt.map(Self.time) ?? "never"
            let theirs = second.lastAssignedAt.map(Self.time) ?? "never"
            return "load and continuity tied with \(other); least recently assigned (last \(mine), \(other) \(theirs))"
        }
        return "tied with \(other) on load, continuity and last assignment; the lower id decides"
    }

    package static func time(_ date: Date) -> String { date.internetTime }
}
