import Foundation

/// A text the desk answers with often (docs/board.md, "Canned replies"), a person's own or
/// shared, with placeholders filled in for the ticket it is inserted into.
public struct CannedReply: Sendable, Equatable, Identifiable {
    public var id: Int
    /// nil: shared.
    public var ownerUserId: Int?
    public var name: String
    public var body: String
    public var createdAt: Date

    public init(id: Int, ownerUserId: Int?, name: String, body: String, createdAt: Date) {
        self.id = id
        self.ownerUserId = ownerUserId
        self.name = name
        self.body = body
        self.createdAt = createdAt
    }

    public var shared: Bool { ownerUserId == nil }

    /// The placeholders and what each becomes.
    public static let placeholders: [(String, String)] = [
        ("{requester}", "the requester's name"), ("{requester_first}", "the requester's first name"),
        ("{ticket}", "the ticket's number"), ("{title}", "the ticket's title"), ("{customer}", "the customer's name"),
        ("{technician}", "your name"),
    ]

    /// The body with the placeholders filled in; one without a value ("{requester}" on a ticket
    /// without one) becomes "" and its line's spacing is kept.
    public func filled(requester: String?, ticket: Ticket, customer: String?, technician: String) -> String {
        let values = [
            "{requester}": requester ?? "", "{requester_first}": requester.map { String($0.split(separator: " ").first ?? "") } ?? "",
            "{ticket}": "#\(ticket.id)", "{title}": ticket.title, "{customer}": customer ?? "", "{technician}": technician,
        ]
        var text = body
        for (placeholder, value) in values { text = text.replacingOccurrences(of: placeholder, with: value) }
        return text
    }
}

extension TicketDesk {
    /// The replies `principal` may insert: their own, then the shared ones, each by name.
    public func cannedReplies(by principal: Principal) async throws -> [CannedReply] {
        try Access.readAll(principal)
        guard let userId = principal.userId else { return [] }
        return try await read { try await $0.cannedReplies(userId: userId) }
    }

    /// Saves a reply text: one's own, or shared (the desk only).
    public func saveCannedReply(name: String, body: String, shared: Bool, by principal: Principal) async throws -> CannedReply {
        try Access.comment(principal)
        guard let userId = principal.userId else { throw CoordinatorError(.forbidden, "only a person signed in keeps reply texts") }
        if shared { try Access.dispatch(principal) }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [(String, String)] = []
        if name.isEmpty || name.count > 80 { problems.append(("name", "must be 1 to 80 characters")) }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || body.count > 10_000 {
            problems.append(("body", "must be 1 to 10 000 characters"))
        }
        if let (field, problem) = problems.first { throw CoordinatorError.invalid(field, problem) }
        let reply = CannedReply(id: 0, ownerUserId: shared ? nil : userId, name: name, body: body, createdAt: now())
        return try await write { try await $0.insertCannedReply(reply) }
    }

    /// Deletes a reply text: one's own, or a shared one (the desk only).
    public func deleteCannedReply(_ id: Int, by principal: Principal) async throws {
        try Access.readAll(principal)
        try await write { session in
            guard let reply = try await session.cannedReply(id), reply.ownerUserId == nil || reply.ownerUserId == principal.userId else {
                throw CoordinatorError.notFound("reply text", id)
            }
            if reply.shared { try Access.dispatch(principal) }
            try await session.deleteCannedReply(id)
        }
    }
}
