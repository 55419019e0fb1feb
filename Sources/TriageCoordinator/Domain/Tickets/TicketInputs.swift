import Foundation

/// A new ticket as a client describes it; only the title is required.
public struct TicketInput: Codable, Sendable, Equatable {
    public var title: String
    public var description: String?
    public var severity: Int?
    public var tier: Int?
    public var channel: TicketChannel?
    public var customerId: Int?
    public var hostId: Int?
    public var assigneeId: Int?
    public var tags: [String]?
    public var requiredSkills: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, severity, tier, channel, customerId, hostId, assigneeId, tags, requiredSkills
    }

    public init(title: String, severity: Int? = nil, tier: Int? = nil, channel: TicketChannel? = nil,
                customerId: Int? = nil, hostId: Int? = nil, assigneeId: Int? = nil, requiredSkills: [String]? = nil,
                description: String? = nil, tags: [String]? = nil) {
        self.title = title
        self.description = description
        self.tags = tags
        self.severity = severity
        self.tier = tier
        self.requiredSkills = requiredSkills
        self.channel = channel
        self.customerId = customerId
        self.hostId = hostId
        self.assigneeId = assigneeId
    }

    func validate() throws {
        try Validate.ticketFields(title: title, description: description, severity: severity, tier: tier,
                                  tags: tags, requiredSkills: requiredSkills)
    }
}

/// A change to a ticket. An absent field stays as it is; `"assigneeId": null` unassigns.
public struct TicketPatch: Decodable, Sendable {
    public var title: String?
    public var description: String?
    public var severity: Int?
    public var tier: Int?
    public var status: TicketStatus?
    /// nil: leave alone; .some(nil): unassign.
    public var assigneeId: Int??
    public var customerId: Int??
    public var hostId: Int??
    public var tags: [String]?
    public var requiredSkills: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, severity, tier, status, assigneeId, customerId, hostId, tags, requiredSkills
    }

    public init(status: TicketStatus? = nil, assigneeId: Int?? = nil) {
        self.status = status
        self.assigneeId = assigneeId
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        severity = try c.decodeIfPresent(Int.self, forKey: .severity)
        tier = try c.decodeIfPresent(Int.self, forKey: .tier)
        status = try c.decodeIfPresent(TicketStatus.self, forKey: .status)
        func nullable(_ key: CodingKeys) throws -> Int?? {
            guard c.contains(key) else { return nil }
            return .some(try c.decodeNil(forKey: key) ? nil : c.decode(Int.self, forKey: key))
        }
        assigneeId = try nullable(.assigneeId)
        customerId = try nullable(.customerId)
        hostId = try nullable(.hostId)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        requiredSkills = try c.decodeIfPresent([String].self, forKey: .requiredSkills)
    }

    func validate() throws {
        try Validate.ticketFields(title: title, description: description, severity: severity, tier: tier,
                                  tags: tags, requiredSkills: requiredSkills)
    }
}

/// A reply to the customer (public) or a note for colleagues (internal).
public struct CommentInput: Codable, Sendable {
    public enum Visibility: String, Codable, Sendable { case `public`, `internal` }
    public var body: String
    public var visibility: Visibility?

    public enum CodingKeys: String, CodingKey, CaseIterable { case body, visibility }

    public init(body: String, visibility: Visibility? = nil) {
        self.body = body
        self.visibility = visibility
    }

    func validate() throws { try Validate.text(body, "body", max: 100_000) }
}

/// Why a resolved or closed ticket needs work again.
public struct ReopenInput: Codable, Sendable {
    public var reason: String

    public enum CodingKeys: String, CodingKey, CaseIterable { case reason }

    func validate() throws { try Validate.text(reason, "reason", max: 10_000) }
}

/// POST /tickets/{id}/escalate: one tier up (functional) or to the lead (hierarchical).
public struct EscalationInput: Codable, Sendable {
    public enum Target: String, Codable, Sendable { case tier, lead }
    public var to: Target
    public var reason: String

    public enum CodingKeys: String, CodingKey, CaseIterable { case to, reason }

    public init(to: Target, reason: String) {
        self.to = to
        self.reason = reason
    }

    func validate() throws { try Validate.text(reason, "reason", max: 10_000) }
}

/// POST /tickets/{id}/vendor-case: opens the case, or changes the fields given.
public struct VendorCaseInput: Codable, Sendable {
    public var vendor: String
    public var externalRef: String?
    public var vendorSeverity: String?
    public var vendorDueAt: Date?
    /// The vendor's state of the case in their words; "open" when a case is opened without one.
    public var status: String?

    public enum CodingKeys: String, CodingKey, CaseIterable { case vendor, externalRef, vendorSeverity, vendorDueAt, status }

    public init(vendor: String, externalRef: String? = nil, vendorSeverity: String? = nil, vendorDueAt: Date? = nil,
                status: String? = nil) {
        self.vendor = vendor
        self.externalRef = externalRef
        self.vendorSeverity = vendorSeverity
        self.vendorDueAt = vendorDueAt
        self.status = status
    }

    func validate() throws {
        try Validate.text(vendor, "vendor", max: 200)
        try Validate.optionalText(externalRef, "externalRef", max: 200)
        try Validate.optionalText(vendorSeverity, "vendorSeverity", max: 64)
        try Validate.optionalText(status, "status", max: 200)
    }
}
