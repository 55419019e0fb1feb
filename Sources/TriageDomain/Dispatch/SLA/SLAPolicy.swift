import Foundation

/// Response and resolution targets by severity, each on its own clock (docs/coordinator.md, "SLA due times"), the
/// business calendar those clocks use, when a warning comes, and which statuses pause them.
public struct SLAPolicy: Codable, Sendable, Equatable {
    public struct Targets: Codable, Sendable, Equatable {
        public var respondMinutes: Int
        /// Minutes on the target's clock, or — in business hours — business days of the calendar,
        /// as contracts word the longer targets (three days stay three days when the hours change).
        public var resolve: Span
        /// `always` (24×7) or `business` (inside the calendar).
        public var hours: SLAHours

        public enum Span: Sendable, Equatable {
            case minutes(Int)
            case businessDays(Int)
        }

        public init(respondMinutes: Int, resolveMinutes: Int, hours: SLAHours = .always) {
            self.init(respondMinutes: respondMinutes, resolve: .minutes(resolveMinutes), hours: hours)
        }

        public init(respondMinutes: Int, resolve: Span, hours: SLAHours) {
            self.respondMinutes = respondMinutes
            self.resolve = resolve
            self.hours = hours
        }

        private enum CodingKeys: String, CodingKey { case respondMinutes, resolveMinutes, resolveBusinessDays, hours }

        /// `hours` left out is `always` here; a policy file keeps the severity's clock instead.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            respondMinutes = try c.decode(Int.self, forKey: .respondMinutes)
            hours = try c.decodeIfPresent(SLAHours.self, forKey: .hours) ?? .always
            switch (
                try c.decodeIfPresent(Int.self, forKey: .resolveMinutes),
                try c.decodeIfPresent(Int.self, forKey: .resolveBusinessDays)
            ) {
            case (let minutes?, nil): resolve = .minutes(minutes)
            case (nil, let days?): resolve = .businessDays(days)
            default:
                throw CoordinatorError(.configuration, "sla: give resolveMinutes or resolveBusinessDays, one of them")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(respondMinutes, forKey: .respondMinutes)
            switch resolve {
            case .minutes(let minutes): try c.encode(minutes, forKey: .resolveMinutes)
            case .businessDays(let days): try c.encode(days, forKey: .resolveBusinessDays)
            }
            try c.encode(hours, forKey: .hours)
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
    /// 24 h / 10 business days in business hours.
    public static let standard = SLAPolicy(severities: [
        1: Targets(respondMinutes: 15, resolveMinutes: 4 * 60),
        2: Targets(respondMinutes: 60, resolveMinutes: 8 * 60),
        3: Targets(respondMinutes: 4 * 60, resolve: .businessDays(3), hours: .business),
        4: Targets(respondMinutes: 24 * 60, resolve: .businessDays(10), hours: .business),
    ])

    /// The policy of a customer's contract: its override, or this one.
    public func policy(forCustomer customerId: Int?) -> SLAPolicy {
        customerId.flatMap { customers[$0] } ?? self
    }

    public func targets(severity: Int) -> Targets {
        severities[severity] ?? Self.standard.severities[severity] ?? Self.standard.severities[3]!
    }

    /// The resolution target in minutes of its clock; a business day is the calendar's day.
    public func resolveMinutes(severity: Int) -> Int {
        switch targets(severity: severity).resolve {
        case .minutes(let minutes): minutes
        case .businessDays(let days): days * calendar.minutesPerDay
        }
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
        let respond = Double(targets.respondMinutes)
        let resolve = Double(resolveMinutes(severity: severity))
        return (
            clock.due(from: created, minutes: respond, pauses: pauses),
            clock.due(from: created, minutes: resolve, pauses: pauses),
            clock.due(from: created, minutes: respond * warningFraction, pauses: pauses),
            clock.due(from: created, minutes: resolve * warningFraction, pauses: pauses)
        )
    }

    public func validate() throws {
        for (severity, targets) in severities {
            guard (1...4).contains(severity) else {
                throw CoordinatorError(.configuration, "sla: severity \(severity) is not 1…4")
            }
            if case .businessDays = targets.resolve, targets.hours != .business {
                throw CoordinatorError(
                    .configuration, "sla: severity \(severity) counts resolveBusinessDays, which needs hours: business")
            }
            guard targets.respondMinutes > 0, resolveMinutes(severity: severity) >= targets.respondMinutes else {
                throw CoordinatorError(
                    .configuration, "sla: severity \(severity) needs 0 < respondMinutes ≤ the resolution target")
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
                throw CoordinatorError(
                    .configuration, "sla.customers.\(customer): \(error.message.replacingOccurrences(of: "sla: ", with: ""))")
            }
        }
    }

    // MARK: Configuration files

    /// `severity1: {respondMinutes: 15, resolveMinutes: 240, hours: always}` (or
    /// `resolveBusinessDays: 3` with `hours: business`), `calendar: {…}`,
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
                let keys = try container.nestedContainer(keyedBy: Key.self, forKey: key).allKeys.map(\.stringValue)
                let known = ["respondMinutes", "resolveMinutes", "resolveBusinessDays", "hours"]
                if let unknown = keys.first(where: { !known.contains($0) }) {
                    throw CoordinatorError(
                        .configuration, "sla: \(key.stringValue): unknown key \(unknown) (\(known.joined(separator: ", ")))")
                }
                var given = try container.decode(Targets.self, forKey: key)
                if !keys.contains("hours") { given.hours = targets(severity: severity).hours }
                severities[severity] = given
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
