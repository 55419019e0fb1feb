import Foundation

/// Response and resolution targets by severity (DESIGN §5.2). This core version counts
/// calendar time; business calendars, pauses and per-customer contracts build on it.
public struct SLAPolicy: Codable, Sendable, Equatable {
    public struct Targets: Codable, Sendable, Equatable {
        public var respondMinutes: Int
        public var resolveMinutes: Int

        public init(respondMinutes: Int, resolveMinutes: Int) {
            self.respondMinutes = respondMinutes
            self.resolveMinutes = resolveMinutes
        }
    }

    /// Severity 1…4 → targets.
    public var severities: [Int: Targets]

    public init(severities: [Int: Targets]) { self.severities = severities }

    /// In configuration files: `severity1: {respondMinutes: 15, resolveMinutes: 240}`; a
    /// severity left out keeps its standard targets.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(severity: Int) { stringValue = "severity\(severity)" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        severities = Self.standard.severities
        for key in container.allKeys {
            guard let severity = Int(key.stringValue.dropFirst("severity".count)),
                key.stringValue.hasPrefix("severity"), (1...4).contains(severity)
            else {
                throw CoordinatorError(.configuration, "sla: unknown key \(key.stringValue) (severity1 … severity4)")
            }
            severities[severity] = try container.decode(Targets.self, forKey: key)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (severity, targets) in severities.sorted(by: { $0.key < $1.key }) {
            try container.encode(targets, forKey: Key(severity: severity))
        }
    }

    /// S1 15 min / 4 h, S2 1 h / 8 h, S3 4 h / 3 days, S4 24 h / 10 days.
    public static let standard = SLAPolicy(severities: [
        1: Targets(respondMinutes: 15, resolveMinutes: 4 * 60),
        2: Targets(respondMinutes: 60, resolveMinutes: 8 * 60),
        3: Targets(respondMinutes: 4 * 60, resolveMinutes: 3 * 24 * 60),
        4: Targets(respondMinutes: 24 * 60, resolveMinutes: 10 * 24 * 60),
    ])

    /// When a ticket of this severity opened at `created` must be answered and resolved.
    public func dueTimes(severity: Int, created: Date) -> (respond: Date, resolve: Date) {
        let targets = severities[severity] ?? Self.standard.severities[severity] ?? Self.standard.severities[3]!
        return (created.addingTimeInterval(Double(targets.respondMinutes) * 60),
                created.addingTimeInterval(Double(targets.resolveMinutes) * 60))
    }

    public func validate() throws {
        for (severity, targets) in severities {
            guard (1...4).contains(severity) else {
                throw CoordinatorError(.configuration, "sla: severity \(severity) is not 1…4")
            }
            guard targets.respondMinutes > 0, targets.resolveMinutes >= targets.respondMinutes else {
                throw CoordinatorError(
                    .configuration, "sla: severity \(severity) needs 0 < respondMinutes ≤ resolveMinutes")
            }
        }
    }
}
