#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One diagnosis of one host: what every plugin found, and what should happen about it.
/// The single wire type the agent prints (`--format json`), posts to the coordinator and
/// spools; `id` is its idempotency key.
public struct DiagnosticReport: Codable, Sendable, Equatable {
    public var id: UUID
    public var host: String
    public var startedAt: Date
    public var durationMs: Int
    public var agentVersion: String
    /// The worst status among the checks and errors.
    public var status: CheckStatus
    public var checks: [CheckResult]
    public var recommendation: Recommendation
    /// Connection, authentication, timeout and parse problems.
    public var errors: [ReportError]

    public init(
        id: UUID = UUID(), host: String, startedAt: Date, durationMs: Int, agentVersion: String,
        checks: [CheckResult], recommendation: Recommendation = Recommendation(), errors: [ReportError] = []
    ) {
        self.id = id
        self.host = host
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.agentVersion = agentVersion
        self.checks = checks
        self.recommendation = recommendation
        self.errors = errors
        self.status = Self.worst(checks: checks, errors: errors)
    }

    /// The worst item status; an error with no item at all makes the report unknown at least.
    public static func worst(checks: [CheckResult], errors: [ReportError]) -> CheckStatus {
        var status = checks.map(\.status).max() ?? (errors.isEmpty ? .ok : .unknown)
        if !errors.isEmpty { status = max(status, .unknown) }
        return status
    }

    /// JSON as the wire format has it: ISO-8601 UTC dates, sorted keys.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// One item one plugin reported: a filesystem, an interface, a unit.
public struct CheckResult: Codable, Sendable, Equatable {
    public var plugin: String
    public var item: String
    public var status: CheckStatus
    public var summary: String
    public var longOutput: String?
    public var metrics: [Metric]
    public var durationMs: Int
    /// What a technician needs to know when this check fails: the plugin's `skills:`
    /// (`storage`, `network`, …). Absent when the plugin names none.
    public var skills: [String]?

    public init(
        plugin: String, item: String, status: CheckStatus, summary: String, longOutput: String? = nil,
        metrics: [Metric] = [], durationMs: Int = 0, skills: [String]? = nil
    ) {
        self.skills = skills
        self.plugin = plugin
        self.item = item
        self.status = status
        self.summary = summary
        self.longOutput = longOutput
        self.metrics = metrics
        self.durationMs = durationMs
    }
}

/// A measured value with its thresholds as the plugin gave them (`80`, `10:`, `@10:20`).
public struct Metric: Codable, Sendable, Equatable {
    public var name: String
    /// nil when the plugin said `U` (it could not determine the value).
    public var value: Double?
    public var unit: String?
    public var warn: String?
    public var crit: String?
    public var min: Double?
    public var max: Double?

    public init(
        name: String, value: Double?, unit: String? = nil, warn: String? = nil, crit: String? = nil,
        min: Double? = nil, max: Double? = nil
    ) {
        self.name = name
        self.value = value
        self.unit = unit
        self.warn = warn
        self.crit = crit
        self.min = min
        self.max = max
    }
}

/// What the triage rules concluded: send a person, call a vendor, or the tier to fix it remotely.
public struct Recommendation: Codable, Sendable, Equatable {
    public var onsite: Bool
    public var vendors: [String]
    public var tier: Int?
    public var reasons: [Reason]

    public init(onsite: Bool = false, vendors: [String] = [], tier: Int? = nil, reasons: [Reason] = []) {
        self.onsite = onsite
        self.vendors = vendors
        self.tier = tier
        self.reasons = reasons
    }

    /// Why one item raised one flag.
    public struct Reason: Codable, Sendable, Equatable {
        public enum Flag: String, Codable, Sendable {
            case onsite
            case vendor
            case tier
        }

        public var plugin: String
        public var item: String
        public var flag: Flag
        public var reason: String
        /// The vendor named, for `vendor`; the tier, for `tier`.
        public var vendor: String?
        public var tier: Int?

        public init(plugin: String, item: String, flag: Flag, reason: String, vendor: String? = nil, tier: Int? = nil) {
            self.plugin = plugin
            self.item = item
            self.flag = flag
            self.reason = reason
            self.vendor = vendor
            self.tier = tier
        }
    }
}

/// A problem that kept a check from running or being understood.
public struct ReportError: Codable, Sendable, Equatable {
    public var plugin: String?
    public var message: String

    public init(plugin: String? = nil, message: String) {
        self.plugin = plugin
        self.message = message
    }
}
