import Foundation
import TriageModel

/// Where a diagnosis job is (docs/jobs.md): `queued → leased → running → attached | failed | expired`.
public enum JobState: String, Codable, Sendable, CaseIterable {
    case queued, leased, running, attached, failed, expired

    public var isFinished: Bool { self == .attached || self == .failed || self == .expired }
}

/// "Diagnose now": run checks on a ticket's host and attach the diagnosis, at most once.
public struct Job: Codable, Sendable, Equatable {
    public var id: Int
    public var ticketId: Int
    public var hostId: Int
    public var siteId: Int
    public var customerId: Int
    /// Plugin names to run; empty runs every plugin the runner has.
    public var checks: [String]
    /// `plugin.param` → value, over the host's own parameters.
    public var params: [String: String]
    public var state: JobState
    public var requestedBy: Actor
    public var createdAt: Date
    public var updatedAt: Date
    /// Not taken or finished by then, the job expires.
    public var expiresAt: Date
    /// The number of the current lease, 0 before the first; a result names the lease it ran under.
    public var lease: Int
    /// Who holds (or last held) the lease.
    public var runner: Actor?
    public var leaseUntil: Date?
    /// The diagnosis it attached.
    public var reportId: UUID?
    /// Why it failed or expired, in words.
    public var failure: String?

    package init(
        id: Int, ticketId: Int, hostId: Int, siteId: Int, customerId: Int, checks: [String], params: [String: String], state: JobState,
        requestedBy: Actor, createdAt: Date, updatedAt: Date, expiresAt: Date, lease: Int, runner: Actor? = nil, leaseUntil: Date? = nil,
        reportId: UUID? = nil, failure: String? = nil
    ) {
        self.id = id
        self.ticketId = ticketId
        self.hostId = hostId
        self.siteId = siteId
        self.customerId = customerId
        self.checks = checks
        self.params = params
        self.state = state
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
        self.lease = lease
        self.runner = runner
        self.leaseUntil = leaseUntil
        self.reportId = reportId
        self.failure = failure
    }
}

/// A job as its runner receives it: with the host to diagnose, and how long a lease lasts
/// (the runner renews it well within that while the checks run).
public struct LeasedJob: Encodable, Sendable {
    public var job: Job
    public var host: Record<HostFields>
    public var leaseSeconds: Int
}

/// A host of a collector's scope, flattened with `pushAgent` (GET /api/v1/collector/hosts).
public struct ScopedHostRecord: Encodable, Sendable {
    public var host: Record<HostFields>
    public var pushAgent: Bool

    private enum Keys: String, CodingKey { case pushAgent }

    public func encode(to encoder: any Encoder) throws {
        try host.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(pushAgent, forKey: .pushAgent)
    }
}

/// How long jobs wait and leases last (YAML `jobs:`).
public struct JobPolicy: Decodable, Sendable, Equatable {
    /// A job nobody finishes within this many seconds of its request expires.
    public var expireSeconds = 600
    /// A runner holds a job this long; then another may take it over.
    public var leaseSeconds = 120
    /// A push agent whose last report is older than this many of its intervals no longer
    /// counts as live: collectors take its host's jobs.
    public var agentLiveIntervals = 3

    public init(expireSeconds: Int = 600, leaseSeconds: Int = 120, agentLiveIntervals: Int = 3) {
        self.expireSeconds = expireSeconds
        self.leaseSeconds = leaseSeconds
        self.agentLiveIntervals = agentLiveIntervals
    }

    public func validate() throws {
        for (name, value, range) in [
            ("expireSeconds", expireSeconds, 10...86_400), ("leaseSeconds", leaseSeconds, 2...3_600),
            ("agentLiveIntervals", agentLiveIntervals, 2...100),
        ]
        where !range.contains(value) {
            throw CoordinatorError(.configuration, "jobs.\(name) must be \(range.lowerBound)…\(range.upperBound)")
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case expireSeconds, leaseSeconds, agentLiveIntervals }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "jobs", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        expireSeconds = try c.decodeIfPresent(Int.self, forKey: .expireSeconds) ?? expireSeconds
        leaseSeconds = try c.decodeIfPresent(Int.self, forKey: .leaseSeconds) ?? leaseSeconds
        agentLiveIntervals = try c.decodeIfPresent(Int.self, forKey: .agentLiveIntervals) ?? agentLiveIntervals
    }
}

/// What happened to a result a runner posted.
public enum JobResult: Sendable {
    /// Stored now (or before, for a retry of the same report): the job as it stands.
    case accepted(Job)
    /// The lease it ran under is over: recorded on the ticket, nothing attached.
    case refused(Job, reason: String)
}
