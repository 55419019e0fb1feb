#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A diagnosis job as its runner receives it from GET /api/v1/agent/jobs: what to run, under
/// which lease, on which host.
public struct JobAssignment: Decodable, Sendable, Equatable {
    public struct Job: Decodable, Sendable, Equatable {
        public var id: Int
        public var ticketId: Int
        public var hostId: Int
        /// Plugin names; empty runs every plugin the runner has.
        public var checks: [String]
        /// `plugin.param` → value, over the host's own parameters.
        public var params: [String: String]
        /// The lease the result must name.
        public var lease: Int
    }

    public var job: Job
    public var host: RegisteredHost
    /// How long a lease lasts: the runner renews it well within that while the checks run.
    public var leaseSeconds: Int
}

/// A host a collector serves (GET /api/v1/collector/hosts): agentless unless its own push agent reports.
public struct ScopedHost: Decodable, Sendable, Equatable {
    public var host: RegisteredHost
    /// Its own push agent reports: the collector leaves it alone.
    public var pushAgent: Bool

    private enum Keys: String, CodingKey { case pushAgent }

    public init(from decoder: any Decoder) throws {
        host = try RegisteredHost(from: decoder)
        pushAgent = try decoder.container(keyedBy: Keys.self).decode(Bool.self, forKey: .pushAgent)
    }
}
