import Foundation

/// Where a ticket came from.
public enum TicketChannel: String, Codable, Sendable, CaseIterable {
    case phone, email, chat, portal, agent, api
}

/// A request for help, from its creation to its closing (docs/coordinator.md).
public struct Ticket: Encodable, Sendable, Equatable {
    public var id: Int
    public var title: String
    public var description: String
    public var customerId: Int?
    public var hostId: Int?
    /// 1 (business down) … 4 (question).
    public var severity: Int
    /// The support tier that works on it: 1…3.
    public var tier: Int
    public var status: TicketStatus
    public var channel: TicketChannel
    public var assigneeId: Int?
    /// When the current assignee got it.
    public var assignedAt: Date?
    public var tags: [String]
    public var requiredSkills: [String]
    public var responseDueAt: Date
    public var resolveDueAt: Date
    /// When the SLA warnings fall due (the warning fraction of each target, on the same clock).
    public var responseWarnAt: Date
    public var resolveWarnAt: Date
    /// Which SLA warnings and breaches have been sent: each at most once.
    public var slaSent: SLASent = []
    public var firstResponseAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var flags: TicketFlags
    /// Set on tickets the agent opened: host + plugin + item, so a repeat appends instead.
    public var dedupeKey: String?
    /// Who created it.
    public var createdBy: Actor
    public var createdAt: Date
    public var updatedAt: Date
    /// The contact of its customer who asked (docs/mail.md): replies go to them.
    public var requesterId: Int? = nil
    /// Who else gets the public replies: email addresses.
    public var cc: [String] = []
    /// The ticket this duplicate was merged into: mail to it goes there.
    public var mergedInto: Int? = nil

    /// Who has to act for the ticket to move on: us, the customer we wait for, or the vendor
    /// that owns the open vendor case.
    public var clockOwner: String {
        switch status {
        case .waitingCustomer: "customer"
        case .waitingVendor where flags.vendorCase != nil: "vendor"
        default: "us"
        }
    }

    /// The earliest SLA warning or breach not yet sent; nil when none is left to send.
    public var nextSLACheck: Date? {
        var points: [Date] = []
        if firstResponseAt == nil {
            if !slaSent.contains(.respondWarning) { points.append(responseWarnAt) }
            if !slaSent.contains(.respondBreach) { points.append(responseDueAt) }
        }
        if !slaSent.contains(.resolveWarning) { points.append(resolveWarnAt) }
        if !slaSent.contains(.resolveBreach) { points.append(resolveDueAt) }
        return points.min()
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, description, customerId, hostId, severity, tier, status, channel, assigneeId, assignedAt, tags
        case requiredSkills, responseDueAt, resolveDueAt, responseWarnAt, resolveWarnAt, firstResponseAt, resolvedAt
        case closedAt, clockOwner, flags, dedupeKey, createdBy, createdAt, updatedAt, requesterId, cc, mergedInto
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encodeIfPresent(customerId, forKey: .customerId)
        try c.encodeIfPresent(hostId, forKey: .hostId)
        try c.encode(severity, forKey: .severity)
        try c.encode(tier, forKey: .tier)
        try c.encode(status, forKey: .status)
        try c.encode(channel, forKey: .channel)
        try c.encodeIfPresent(assigneeId, forKey: .assigneeId)
        try c.encodeIfPresent(assignedAt, forKey: .assignedAt)
        try c.encode(tags, forKey: .tags)
        try c.encode(requiredSkills, forKey: .requiredSkills)
        try c.encode(responseDueAt, forKey: .responseDueAt)
        try c.encode(resolveDueAt, forKey: .resolveDueAt)
        try c.encode(responseWarnAt, forKey: .responseWarnAt)
        try c.encode(resolveWarnAt, forKey: .resolveWarnAt)
        try c.encodeIfPresent(firstResponseAt, forKey: .firstResponseAt)
        try c.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
        try c.encodeIfPresent(closedAt, forKey: .closedAt)
        try c.encode(clockOwner, forKey: .clockOwner)
        try c.encode(flags, forKey: .flags)
        try c.encodeIfPresent(dedupeKey, forKey: .dedupeKey)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(requesterId, forKey: .requesterId)
        try c.encode(cc, forKey: .cc)
        try c.encodeIfPresent(mergedInto, forKey: .mergedInto)
    }

    package init(
        id: Int, title: String, description: String, customerId: Int? = nil, hostId: Int? = nil, severity: Int, tier: Int,
        status: TicketStatus, channel: TicketChannel, assigneeId: Int? = nil, assignedAt: Date? = nil, tags: [String],
        requiredSkills: [String], responseDueAt: Date, resolveDueAt: Date, responseWarnAt: Date, resolveWarnAt: Date, slaSent: SLASent = [],
        firstResponseAt: Date? = nil, resolvedAt: Date? = nil, closedAt: Date? = nil, flags: TicketFlags, dedupeKey: String? = nil,
        createdBy: Actor, createdAt: Date, updatedAt: Date, requesterId: Int? = nil, cc: [String] = [], mergedInto: Int? = nil
    ) {
        self.mergedInto = mergedInto
        self.id = id
        self.title = title
        self.description = description
        self.customerId = customerId
        self.hostId = hostId
        self.severity = severity
        self.tier = tier
        self.status = status
        self.channel = channel
        self.assigneeId = assigneeId
        self.assignedAt = assignedAt
        self.tags = tags
        self.requiredSkills = requiredSkills
        self.responseDueAt = responseDueAt
        self.resolveDueAt = resolveDueAt
        self.responseWarnAt = responseWarnAt
        self.resolveWarnAt = resolveWarnAt
        self.slaSent = slaSent
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.closedAt = closedAt
        self.flags = flags
        self.dedupeKey = dedupeKey
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.requesterId = requesterId
        self.cc = cc
    }
}

/// The SLA events a ticket has had, one bit per target and kind.
public struct SLASent: OptionSet, Sendable, Equatable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let respondWarning = SLASent(rawValue: 1)
    public static let respondBreach = SLASent(rawValue: 2)
    public static let resolveWarning = SLASent(rawValue: 4)
    public static let resolveBreach = SLASent(rawValue: 8)
}

public struct TicketFlags: Codable, Sendable, Equatable {
    /// Somebody has to go there.
    public var onsite: Bool
    public var onsiteReasons: [String]
    public var vendorCase: VendorCase?
    /// Vendors that attached diagnoses named; a person opens the case (POST vendor-case).
    public var vendorSuggestions: [String]

    public init(
        onsite: Bool = false, onsiteReasons: [String] = [], vendorCase: VendorCase? = nil,
        vendorSuggestions: [String] = []
    ) {
        self.onsite = onsite
        self.onsiteReasons = onsiteReasons
        self.vendorCase = vendorCase
        self.vendorSuggestions = vendorSuggestions
    }
}

/// A case opened with a third party that owns part of the fix.
public struct VendorCase: Codable, Sendable, Equatable {
    public var vendor: String
    public var externalRef: String?
    /// The vendor's own state of the case, in their words ("open", "awaiting parts", "closed").
    public var status: String?
    public var vendorSeverity: String?
    /// When the vendor promised the fix: their clock, beside ours.
    public var vendorDueAt: Date?
    public var openedAt: Date?
}

/// One entry in a ticket's append-only history.
public struct TicketEvent: Codable, Sendable, Equatable {
    public var id: Int
    public var ticketId: Int
    public var kind: EventKind
    public var actor: Actor
    public var at: Date
    public var data: JSONValue

    private enum CodingKeys: String, CodingKey {
        case id, ticketId
        case kind = "type"
        case actor, at, data
    }

    /// The typed entry; nil when the data does not fit the kind (never for what this server wrote).
    public var entry: HistoryEntry? { try? HistoryEntry(kind: kind, data: data) }

    package init(id: Int, ticketId: Int, kind: EventKind, actor: Actor, at: Date, data: JSONValue) {
        self.id = id
        self.ticketId = ticketId
        self.kind = kind
        self.actor = actor
        self.at = at
        self.data = data
    }
}

/// A page of a list and where the next one starts.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    package init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// From up to `limit + 1` items: the first `limit`, and a cursor when there was one more.
    package init(_ fetched: [Item], limit: Int, id: (Item) -> Int) {
        items = Array(fetched.prefix(limit))
        nextCursor = fetched.count > limit ? items.last.map { Cursor.encode(id($0)) } : nil
    }
}

/// Which tickets a list returns.
public struct TicketFilter: Sendable, Equatable {
    public var statuses: [TicketStatus] = []
    public var severity: Int?
    /// This severity or a more urgent one: 2 is S1 and S2.
    public var severityAtMost: Int?
    public var tier: Int?
    public var assigneeId: Int?
    public var customerId: Int?
    public var hostId: Int?
    public var onsite: Bool?
    /// Asked by this contact.
    public var requesterId: Int?
    /// Words in the title, each anywhere, any case.
    public var text: String?
    /// Nobody has it.
    public var unassigned = false
    /// Carries this tag.
    public var tag: String?
    public var channel: TicketChannel?
    /// The clock that matters now (respond until answered, then resolve) runs out before this:
    /// now for the breached ones, now + N minutes for those due within N.
    public var dueBefore: Date?

    public init() {}
}

/// How a queue is sorted: a column, and which way (docs/board.md, "Queues").
public struct QueueOrder: Sendable, Equatable {
    public enum Column: String, Sendable, CaseIterable {
        case due, id, title, customer, requester, severity, status, assignee
    }

    public var column: Column
    public var descending: Bool

    public init(_ column: Column = .due, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }

    /// Most urgent first: the due time that matters now, then id.
    public static let urgency = QueueOrder()
}
