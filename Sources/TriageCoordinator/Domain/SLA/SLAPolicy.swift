import Foundation

/// Response and resolution targets by severity, each on its own clock (DESIGN §5.2), the
/// business calendar those clocks use, when a warning comes, and which statuses pause them.
public struct SLAPolicy: Codable, Sendable, Equatable {
    public struct Targets: Codable, Sendable, Equatable {
        public var respondMinutes: Int
        public var resolveMinutes: Int
        /// `always` (24×7) or `business` (inside the calendar).
        public var hours: SLAHours

        public init(respondMinutes: Int, resolveMinutes: Int, hours: SLAHours = .always) {
            self.respondMinutes = respondMinutes
            self.resolveMinutes = resolveMinutes
            self.hours = hours
        }
    }

    /// Severity 1…4 → targets.
    public var severities: [Int: Targets]
    public var calendar = BusinessCalendar()
    /// A warning event at this fraction of a target.
    public var warningFraction = 0.75
    /// Time in waiting_customer never counts; waiting_vendor counts unless this is set.
    public var pauseWhileWaitingForVendor = false
    /// Contracts that differ from this policy, by customer id; each starts from this policy and
    /// changes what it names.
    public var customers: [Int: SLAPolicy] = [:]

    public init(severities: [Int: Targets]) { self.severities = severities }

    /// S1 15 min / 4 h and S2 1 h / 8 h around the clock; S3 4 h / 3 business days and S4
    /// 24 h / 10 business days in business hours (a business day of the default calendar: 9 h).
    public static let standard = SLAPolicy(severities: [
        1: Targets(respondMinutes: 15, resolveMinutes: 4 * 60),
        2: Targets(respondMinutes: 60, resolveMinutes: 8 * 60),
        3: Targets(respondMinutes: 4 * 60, resolveMinutes: 3 * 9 * 60, hours: .business),
        4: Targets(respondMinutes: 24 * 60, resolveMinutes: 10 * 9 * 60, hours: .business),
    ])

    /// The policy of a customer's contract: its override, or this one.
    public func policy(forCustomer customerId: Int?) -> SLAPolicy {
        customerId.flatMap { customers[$0] } ?? self
    }

    public func targets(severity: Int) -> Targets {
        severities[severity] ?? Self.standard.severities[severity] ?? Self.standard.severities[3]!
    }

    public func clock(severity: Int) -> SLAClock {
        SLAClock(hours: targets(severity: severity).hours, calendar: calendar)
    }

    /// Statuses in which the clocks stand still.
    public var pausingStatuses: Set<TicketStatus> {
        pauseWhileWaitingForVendor ? [.waitingCustomer, .waitingVendor] : [.waitingCustomer]
    }

    /// When a ticket of this severity opened at `created` must be answered and resolved,
    /// the paused intervals not counted.
    public func dueTimes(severity: Int, created: Date, pauses: [DateInterval] = [])
        -> (respond: Date, resolve: Date, respondWarning: Date, resolveWarning: Date)
    {
        let targets = targets(severity: severity)
        let clock = clock(severity: severity)
        let respond = Double(targets.respondMinutes), resolve = Double(targets.resolveMinutes)
        return (clock.due(from: created, minutes: respond, pauses: pauses),
                clock.due(from: created, minutes: resolve, pauses: pauses),
                clock.due(from: created, minutes: respond * warningFraction, pauses: pauses),
                clock.due(from: created, minutes: resolve * warningFraction, pauses: pauses))
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
        guard warningFraction > 0, warningFraction < 1 else {
            throw CoordinatorError(.configuration, "sla: warningFraction must be between 0 and 1")
        }
        do {
            try calendar.validate()
        } catch let error as CoordinatorError {
            throw CoordinatorError(.configuration, "sla: \(error.message)")
        }
        for (customer, policy) in customers {
            guard customer > 0 else { throw CoordinatorError(.configuration, "sla.customers: \(customer) is not a customer id") }
            do {
                try policy.validate()
            } catch let error as CoordinatorError {
                throw CoordinatorError(.configuration, "sla.customers.\(customer): \(error.message.replacingOccurrences(of: "sla: ", with: ""))")
            }
        }
    }

    // MARK: Configuration files

    /// `severity1: {respondMinutes: 15, resolveMinutes: 240, hours: always}`, `calendar: {…}`,
    /// `warningFraction`, `pauseWhileWaitingForVendor`, `customers: {"3": {…the same keys…}}`; a
    /// severity left out keeps its standard targets, and `hours` left out keeps the clock of that
    /// severity. A customer's entry starts from the policy around it.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(severity: Int) { stringValue = "severity\(severity)" }
        static let calendar = Key(stringValue: "calendar")
        static let warningFraction = Key(stringValue: "warningFraction")
        static let pauseWhileWaitingForVendor = Key(stringValue: "pauseWhileWaitingForVendor")
        static let customers = Key(stringValue: "customers")
    }

    private struct PartialTargets: Decodable {
        var respondMinutes: Int
        var resolveMinutes: Int
        var hours: SLAHours?
    }

    public init(from decoder: any Decoder) throws {
        self = try Self.decode(from: decoder, base: .standard, allowCustomers: true)
    }

    private static func decode(from decoder: any Decoder, base: SLAPolicy, allowCustomers: Bool) throws -> SLAPolicy {
        let container = try decoder.container(keyedBy: Key.self)
        var policy = base
        try policy.apply(container, allowCustomers: allowCustomers)
        guard allowCustomers, container.contains(.customers) else { return policy }
        let contracts = try container.nestedContainer(keyedBy: Key.self, forKey: .customers)
        let contractBase = policy
        for key in contracts.allKeys {
            guard let customer = Int(key.stringValue), customer > 0 else {
                throw CoordinatorError(.configuration, "sla.customers: '\(key.stringValue)' is not a customer id")
            }
            policy.customers[customer] = try decode(
                from: try contracts.superDecoder(forKey: key), base: contractBase, allowCustomers: false)
        }
        return policy
    }

    private mutating func apply(_ container: KeyedDecodingContainer<Key>, allowCustomers: Bool) throws {
        for key in container.allKeys {
            switch key.stringValue {
            case Key.calendar.stringValue:
                calendar = try container.decode(BusinessCalendar.self, forKey: key)
            case Key.warningFraction.stringValue:
                warningFraction = try container.decode(Double.self, forKey: key)
            case Key.pauseWhileWaitingForVendor.stringValue:
                pauseWhileWaitingForVendor = try container.decode(Bool.self, forKey: key)
            case Key.customers.stringValue where allowCustomers:
                continue
            default:
                guard key.stringValue.hasPrefix("severity"), let severity = Int(key.stringValue.dropFirst("severity".count)),
                    (1...4).contains(severity)
                else {
                    throw CoordinatorError(
                        .configuration,
                        "sla: unknown key \(key.stringValue) (severity1 … severity4, calendar, warningFraction, "
                            + "pauseWhileWaitingForVendor\(allowCustomers ? ", customers" : ""))")
                }
                let partial = try container.decode(PartialTargets.self, forKey: key)
                severities[severity] = Targets(
                    respondMinutes: partial.respondMinutes, resolveMinutes: partial.resolveMinutes,
                    hours: partial.hours ?? targets(severity: severity).hours)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (severity, targets) in severities.sorted(by: { $0.key < $1.key }) {
            try container.encode(targets, forKey: Key(severity: severity))
        }
        try container.encode(calendar, forKey: .calendar)
        try container.encode(warningFraction, forKey: .warningFraction)
        try container.encode(pauseWhileWaitingForVendor, forKey: .pauseWhileWaitingForVendor)
        if !customers.isEmpty {
            var contracts = container.nestedContainer(keyedBy: Key.self, forKey: .customers)
            for (customer, policy) in customers.sorted(by: { $0.key < $1.key }) {
                try contracts.encode(policy, forKey: Key(stringValue: String(customer)))
            }
        }
    }
}
