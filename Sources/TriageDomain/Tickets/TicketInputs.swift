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
    /// The caller: a contact of the customer …
    public var requesterId: Int?
    /// … or a new one, saved on the customer.
    public var requester: NewContact?
    /// Addresses that get the public replies too.
    public var cc: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, severity, tier, channel, customerId, hostId, assigneeId, tags, requiredSkills, requesterId, requester, cc
    }

    public init(
        title: String, severity: Int? = nil, tier: Int? = nil, channel: TicketChannel? = nil,
        customerId: Int? = nil, hostId: Int? = nil, assigneeId: Int? = nil, requiredSkills: [String]? = nil,
        description: String? = nil, tags: [String]? = nil
    ) {
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

    package func validate() throws {
        try Validate.all(
            {
                try Validate.ticketFields(
                    title: title, description: description, severity: severity, tier: tier,
                    tags: tags, requiredSkills: requiredSkills)
            }, { try Validate.addresses(cc, "cc") },
            {
                if requester != nil, requesterId != nil {
                    throw CoordinatorError.invalid("requester", "give requesterId or a new requester, not both")
                }
                try requester?.validate()
            })
    }
}

/// A caller the desk does not know yet: saved as a contact of the ticket's customer.
public struct NewContact: Codable, Sendable, Equatable {
    public var name: String
    public var email: String?
    public var phone: String?

    public init(name: String, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }

    package func validate() throws { try ContactFields(customerId: 0, name: name, email: email, phone: phone).validate() }
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
    /// nil: leave alone; .some(nil): no requester.
    public var requesterId: Int??
    public var cc: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, severity, tier, status, assigneeId, customerId, hostId, tags, requiredSkills, requesterId, cc
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
        requesterId = try nullable(.requesterId)
        cc = try c.decodeIfPresent([String].self, forKey: .cc)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        requiredSkills = try c.decodeIfPresent([String].self, forKey: .requiredSkills)
    }

    package func validate() throws {
        try Validate.all(
            {
                try Validate.ticketFields(
                    title: title, description: description, severity: severity, tier: tier,
                    tags: tags, requiredSkills: requiredSkills)
            }, { try Validate.addresses(cc, "cc") })
    }
}

/// A reply to the customer (public) or a note for colleagues (internal).
public struct CommentInput: Codable, Sendable {
    public enum Visibility: String, Codable, Sendable { case `public`, `internal` }
    public var body: String
    public var visibility: Visibility?
    /// Files to attach (their content base64 in JSON).
    public var attachments: [FileUpload]?

    public enum CodingKeys: String, CodingKey, CaseIterable { case body, visibility, attachments }

    public init(body: String, visibility: Visibility? = nil, attachments: [FileUpload]? = nil) {
        self.body = body
        self.visibility = visibility
        self.attachments = attachments
    }

    package func validate() throws {
        try Validate.all(
            { try Validate.text(body, "body", max: 100_000) },
            {
                for file in attachments ?? [] { try file.validate() }
                if (attachments ?? []).count > 20 { throw CoordinatorError.invalid("attachments", "more than 20 files") }
            })
    }
}

/// A file a person attaches to a reply or note.
public struct FileUpload: Codable, Sendable, Equatable {
    public var name: String
    public var contentType: String?
    public var content: Data

    public init(name: String, contentType: String? = nil, content: Data) {
        self.name = name
        self.contentType = contentType
        self.content = content
    }

    package func validate() throws {
        try Validate.text(name, "attachments", max: 255)
        if name.contains("/") || name.contains("\\") {
            throw CoordinatorError.invalid("attachments", "a file name may not contain a slash")
        }
    }
}

/// Why a resolved or closed ticket needs work again.
public struct ReopenInput: Codable, Sendable {
    public var reason: String

    public enum CodingKeys: String, CodingKey, CaseIterable { case reason }

    package func validate() throws { try Validate.text(reason, "reason", max: 10_000) }

    package init(reason: String) {
        self.reason = reason
    }
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

    package func validate() throws { try Validate.text(reason, "reason", max: 10_000) }
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

    public init(
        vendor: String, externalRef: String? = nil, vendorSeverity: String? = nil, vendorDueAt: Date? = nil,
        status: String? = nil
    ) {
        self.vendor = vendor
        self.externalRef = externalRef
        self.vendorSeverity = vendorSeverity
        self.vendorDueAt = vendorDueAt
        self.status = status
    }

    package func validate() throws {
        try Validate.text(vendor, "vendor", max: 200)
        try Validate.optionalText(externalRef, "externalRef", max: 200)
        try Validate.optionalText(vendorSeverity, "vendorSeverity", max: 64)
        try Validate.optionalText(status, "status", max: 200)
    }
}
