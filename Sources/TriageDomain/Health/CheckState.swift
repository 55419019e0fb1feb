import Foundation
import TriageModel

/// What the coordinator knows of one (host, plugin, item) from the reports of its push agent:
/// the last status, whether it is a problem (after hysteresis), whether it flaps, and its ticket.
public struct CheckState: Codable, Sendable, Equatable {
    public var hostId: Int
    public var plugin: String
    public var item: String
    public var status: CheckStatus
    public var summary: String
    /// A problem: `openAfter` non-OK reports in a row, until `clearAfter` OK ones.
    public var problem: Bool
    /// Non-OK reports in a row, counted up to `openAfter` (no more are needed).
    public var badStreak: Int
    /// OK reports in a row, counted up to `clearAfter`.
    public var okStreak: Int
    /// When the status went between OK and not OK, within the flap window.
    public var changes: [Date]
    public var flapping: Bool
    /// The ticket this item's problems go to.
    public var ticketId: Int?
    /// When any of the above last changed: a report that changes nothing leaves the row alone.
    public var updatedAt: Date

    public init(hostId: Int, plugin: String, item: String, at: Date) {
        self.hostId = hostId
        self.plugin = plugin
        self.item = item
        status = .ok
        summary = ""
        problem = false
        badStreak = 0
        okStreak = 0
        changes = []
        flapping = false
        ticketId = nil
        updatedAt = at
    }

    /// How a report's check finds its state: plugin and item.
    package static func key(_ plugin: String, _ item: String) -> String { "\(plugin)\u{0}\(item)" }
    package var key: String { Self.key(plugin, item) }

    public enum Transition: Equatable, Sendable {
        case none
        /// Became a problem.
        case opened
        /// A problem recovered.
        case cleared
    }

    /// What one report of this item changed.
    public struct Observation: Equatable, Sendable {
        public var transition: Transition
        public var flappingStarted: Bool
        public var flappingStopped: Bool
        /// A problem item whose status or summary changed (warning → critical, another figure).
        public var worsenedOrChanged: Bool
    }

    public mutating func observe(_ status: CheckStatus, summary: String, at now: Date, policy: HealthPolicy)
        -> Observation
    {
        let before = self
        defer { if self != before { updatedAt = now } }
        let bad = status != .ok
        if bad != (self.status != .ok) { changes.append(now) }
        let window = now.addingTimeInterval(-Double(policy.flapWindowMinutes) * 60)
        changes.removeAll { $0 < window }
        let changed = status != self.status || summary != self.summary
        self.status = status
        self.summary = summary
        badStreak = bad ? min(badStreak + 1, policy.openAfter) : 0
        okStreak = bad ? 0 : min(okStreak + 1, policy.clearAfter)
        var transition = Transition.none
        if bad, !problem, badStreak >= policy.openAfter {
            problem = true
            transition = .opened
        } else if !bad, problem, okStreak >= policy.clearAfter {
            problem = false
            transition = .cleared
        }
        let wasFlapping = flapping
        flapping = changes.count > policy.flapChanges
        return Observation(
            transition: transition, flappingStarted: flapping && !wasFlapping, flappingStopped: wasFlapping && !flapping,
            worsenedOrChanged: problem && transition == .none && changed)
    }
}

/// When a pushing host last reported, its promised interval, and its "not reporting" ticket.
public struct HostHealth: Sendable, Equatable {
    public var hostId: Int
    public var lastReportAt: Date
    public var intervalSeconds: Int
    public var silentTicketId: Int?
    /// Reported by the host's own push agent (else by a collector, agentless).
    public var byAgent = true

    package init(hostId: Int, lastReportAt: Date, intervalSeconds: Int, silentTicketId: Int? = nil, byAgent: Bool = true) {
        self.hostId = hostId
        self.lastReportAt = lastReportAt
        self.intervalSeconds = intervalSeconds
        self.silentTicketId = silentTicketId
        self.byAgent = byAgent
    }
}
