import Foundation

/// A person who fixes things: remotely by tier, on site by region and shift.
public struct TechnicianFields: InventoryFields, Equatable {
    public static let kind = RecordKind.technician
    public var name: String
    public var email: String?
    /// 1 = first line … 3 = the highest internal tier.
    public var tier: Int
    public var skills: [String]
    public var region: String?
    public var timeZone: String
    /// The weekly plan, in the technician's own time zone.
    public var shifts: [Shift]
    /// Exceptions to the plan: holidays, sick days, training.
    public var absences: [Absence]
    /// How many open tickets (weighted by severity) they can carry.
    public var maxLoad: Int
    public var active: Bool

    public struct Shift: Codable, Sendable, Equatable {
        /// ISO weekday: 1 = Monday … 7 = Sunday.
        public var weekday: Int
        public var start: String
        public var end: String

        public init(weekday: Int, start: String, end: String) {
            self.weekday = weekday
            self.start = start
            self.end = end
        }
    }

    public struct Absence: Codable, Sendable, Equatable {
        public var from: Date
        public var to: Date
        public var reason: String?
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, email, tier, skills, region, timeZone, shifts, absences, maxLoad, active
    }

    public init(
        name: String, tier: Int = 1, skills: [String] = [], region: String? = nil,
        timeZone: String = "UTC", shifts: [Shift] = [], maxLoad: Int = 16, active: Bool = true
    ) {
        self.name = name
        self.tier = tier
        self.skills = skills
        self.region = region
        self.timeZone = timeZone
        self.shifts = shifts
        self.absences = []
        self.maxLoad = maxLoad
        self.active = active
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        tier = try c.decodeIfPresent(Int.self, forKey: .tier) ?? 1
        skills = try c.decodeIfPresent([String].self, forKey: .skills) ?? []
        region = try c.decodeIfPresent(String.self, forKey: .region)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        shifts = try c.decodeIfPresent([Shift].self, forKey: .shifts) ?? []
        absences = try c.decodeIfPresent([Absence].self, forKey: .absences) ?? []
        maxLoad = try c.decodeIfPresent(Int.self, forKey: .maxLoad) ?? 16
        active = try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
    }

    public func validate() throws {
        try Validate.all(
            { try Validate.text(name, "name") },
            { try Validate.optionalText(email, "email") },
            { try Validate.range(tier, "tier", 1...3) },
            { try Validate.tags(skills, "skills") },
            { try Validate.optionalText(region, "region", max: 64) },
            { try Validate.timeZone(timeZone, "timeZone") },
            { try Validate.range(maxLoad, "maxLoad", 0...1000) },
            {
                if shifts.count > 100 { throw CoordinatorError.invalid("shifts", "more than 100 entries") }
                for shift in shifts {
                    try Validate.weekday(shift.weekday, "shifts.weekday")
                    try Validate.window(shift.start, shift.end, "shifts")
                }
            },
            { try validateAbsences() })
    }

    private func validateAbsences() throws {
        if absences.count > 1000 { throw CoordinatorError.invalid("absences", "more than 1000 entries") }
        for absence in absences {
            if absence.from >= absence.to { throw CoordinatorError.invalid("absences", "from is not before to") }
            try Validate.optionalText(absence.reason, "absences.reason")
        }
    }
}

public typealias Technician = Record<TechnicianFields>
