import Foundation
import TriageModel

/// How assignment ranks eligible technicians (docs/coordinator.md, "Assignment").
public struct AssignmentPolicy: Codable, Sendable, Equatable {
    /// What one open ticket of severity 1…4 weighs in a technician's load.
    public var severityWeights = [8, 4, 2, 1]
    /// Having worked the customer or host within this many days is continuity.
    public var continuityDays = 30
    /// The skill a ticket needs when this plugin fails, in place of the skills its plugin.yaml
    /// names (which the report carries). Empty by default: the plugins say.
    public var pluginSkills: [String: String] = [:]
    /// Technicians may take an unassigned ticket they are eligible for themselves.
    public var techniciansTake = true

    public init() {}

    public func weight(severity: Int) -> Int {
        (1...4).contains(severity) ? severityWeights[severity - 1] : 1
    }

    /// The skills a failing check calls for.
    public func skills(for check: CheckResult) -> [String] {
        pluginSkills[check.plugin].map { [$0] } ?? check.skills ?? []
    }

    /// The weighted load of a technician's open tickets.
    public func load(_ workload: Workload?) -> Int {
        (workload?.openBySeverity ?? [:]).reduce(0) { $0 + weight(severity: $1.key) * $1.value }
    }

    public func validate() throws {
        guard severityWeights.count == 4, severityWeights.allSatisfy({ (0...1000).contains($0) }) else {
            throw CoordinatorError(.configuration, "assignment.severityWeights must be four weights 0…1000, severity 1 first")
        }
        guard (0...3650).contains(continuityDays) else {
            throw CoordinatorError(.configuration, "assignment.continuityDays must be 0…3650")
        }
        for (plugin, skill) in pluginSkills {
            do {
                try Validate.tags([skill], "assignment.pluginSkills.\(plugin)")
            } catch let error as CoordinatorError {
                throw CoordinatorError(.configuration, error.message)
            }
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case severityWeights, continuityDays, pluginSkills, techniciansTake }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "assignment", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        severityWeights = try c.decodeIfPresent([Int].self, forKey: .severityWeights) ?? severityWeights
        continuityDays = try c.decodeIfPresent(Int.self, forKey: .continuityDays) ?? continuityDays
        pluginSkills = try c.decodeIfPresent([String: String].self, forKey: .pluginSkills) ?? [:]
        techniciansTake = try c.decodeIfPresent(Bool.self, forKey: .techniciansTake) ?? techniciansTake
    }
}
