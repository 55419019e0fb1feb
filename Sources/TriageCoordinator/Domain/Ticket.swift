import Foundation

/// Where a ticket came from.
public enum TicketChannel: String, Codable, Sendable, CaseIterable {
    case phone, email, chat, portal, agent, api
}

/// A request for help, from its creation to its closing (DESIGN §5.1).
public struct Ticket: Codable, Sendable, Equatable {
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
    public var tags: [String]
    public var requiredSkills: [String]
    public var responseDueAt: Date
    public var resolveDueAt: Date
    /// When the SLA warnings fall due (the warning fraction of each target, on the same clock).
    public var responseWarnAt: Date
    public var resolveWarnAt: Date
    public var firstResponseAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var flags: TicketFlags
    /// Set on tickets the agent opened: host + plugin + item, so a repeat appends instead.
    public var dedupeKey: String?
    /// The actor who created it.
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
}

public struct TicketFlags: Codable, Sendable, Equatable {
    /// Somebody has to go there.
    public var onsite: Bool
    public var onsiteReasons: [String]
    public var vendorCase: VendorCase?

    public init(onsite: Bool = false, onsiteReasons: [String] = [], vendorCase: VendorCase? = nil) {
        self.onsite = onsite
        self.onsiteReasons = onsiteReasons
        self.vendorCase = vendorCase
    }
}

/// A case opened with a third party that owns part of the fix.
public struct VendorCase: Codable, Sendable, Equatable {
    public var vendor: String
    public var externalRef: String?
    public var status: String?
    public var vendorSeverity: String?
    public var vendorDueAt: Date?
}

/// One entry in a ticket's append-only history.
public struct TicketEvent: Codable, Sendable, Equatable {
    public var id: Int
    public var ticketId: Int
    /// created, assigned, unassigned, status_changed, updated, comment, reopened, …
    public var type: String
    public var actor: String
    public var at: Date
    public var data: JSONValue
}

/// A page of a list and where the next one starts.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    /// From up to `limit + 1` items: the first `limit`, and a cursor when there was one more.
    init(_ fetched: [Item], limit: Int, id: (Item) -> Int) {
        items = Array(fetched.prefix(limit))
        nextCursor = fetched.count > limit ? items.last.map { Cursor.encode(id($0)) } : nil
    }
}

/// Which tickets a list returns.
public struct TicketFilter: Sendable, Equatable {
    public var statuses: [TicketStatus] = []
    public var severity: Int?
    public var tier: Int?
    public var assigneeId: Int?
    public var customerId: Int?
    public var hostId: Int?
    public var onsite: Bool?
    /// Case-insensitive text in the title.
    public var text: String?

    public init() {}
}
