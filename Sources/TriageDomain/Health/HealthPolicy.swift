import Foundation
import TriageModel

/// How health reports from push agents become tickets (issue 6): hysteresis, flapping, the
/// reopen window, host silence and the severity matrix. YAML `health:`.
public struct HealthPolicy: Codable, Sendable, Equatable {
    /// Consecutive non-OK reports of an item before it is a problem.
    public var openAfter = 2
    /// Consecutive OK reports of a problem item before it has recovered.
    public var clearAfter = 2
    /// More state changes than this within `flapWindowMinutes` is flapping.
    public var flapChanges = 4
    public var flapWindowMinutes = 60
    /// A problem coming back within this many hours of its ticket's resolution reopens it.
    public var reopenWindowHours = 24
    /// A host that misses this many of its report intervals is not reporting.
    public var silentIntervals = 3
    /// Ticket severity by item status, then host criticality.
    public var severity: [String: [String: Int]] = [
        "critical": ["critical": 1, "high": 2, "normal": 3, "low": 4],
        "warning": ["critical": 2, "high": 3, "normal": 4, "low": 4],
        "unknown": ["critical": 3, "high": 3, "normal": 4, "low": 4],
    ]

    public init() {}

    public func severity(of status: CheckStatus, on criticality: HostFields.Criticality) -> Int {
        severity[status.rawValue]?[criticality.rawValue] ?? 4
    }

    public func validate() throws {
        for (name, value, range) in [
            ("openAfter", openAfter, 1...100), ("clearAfter", clearAfter, 1...100),
            ("flapChanges", flapChanges, 2...1000), ("flapWindowMinutes", flapWindowMinutes, 1...10_080),
            ("reopenWindowHours", reopenWindowHours, 0...8_760), ("silentIntervals", silentIntervals, 2...100),
        ]
        where !range.contains(value) {
            throw CoordinatorError(.configuration, "health.\(name) must be \(range.lowerBound)…\(range.upperBound)")
        }
        for status in ["critical", "warning", "unknown"] {
            for criticality in HostFields.Criticality.allCases {
                guard let value = severity[status]?[criticality.rawValue], (1...4).contains(value) else {
                    throw CoordinatorError(
                        .configuration, "health.severity.\(status).\(criticality.rawValue) must be a severity 1…4")
                }
            }
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case openAfter, clearAfter, flapChanges, flapWindowMinutes, reopenWindowHours, silentIntervals, severity
    }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "health", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        openAfter = try c.decodeIfPresent(Int.self, forKey: .openAfter) ?? openAfter
        clearAfter = try c.decodeIfPresent(Int.self, forKey: .clearAfter) ?? clearAfter
        flapChanges = try c.decodeIfPresent(Int.self, forKey: .flapChanges) ?? flapChanges
        flapWindowMinutes = try c.decodeIfPresent(Int.self, forKey: .flapWindowMinutes) ?? flapWindowMinutes
        reopenWindowHours = try c.decodeIfPresent(Int.self, forKey: .reopenWindowHours) ?? reopenWindowHours
        silentIntervals = try c.decodeIfPresent(Int.self, forKey: .silentIntervals) ?? silentIntervals
        // Rows and cells named replace those; the rest keep the defaults.
        for (status, row) in try c.decodeIfPresent([String: [String: Int]].self, forKey: .severity) ?? [:] {
            guard severity[status] != nil else {
                throw CoordinatorError(.configuration, "health.severity: unknown status \(status) (critical, warning, unknown)")
            }
            severity[status]?.merge(row) { $1 }
        }
    }
}
