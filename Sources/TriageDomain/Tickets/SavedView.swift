import Foundation

/// A queue someone saved under a name (docs/board.md, "Queues"): its filters and order as the
/// queue page's query string, for its owner alone or, saved by the desk, shared with everyone.
public struct SavedView: Sendable, Equatable, Identifiable {
    public var id: Int
    /// nil: shared.
    public var ownerUserId: Int?
    public var name: String
    /// The queue page's query, without the page number: `severity=1&unassigned=on`.
    public var query: String
    public var createdAt: Date

    public init(id: Int, ownerUserId: Int?, name: String, query: String, createdAt: Date) {
        self.id = id
        self.ownerUserId = ownerUserId
        self.name = name
        self.query = query
        self.createdAt = createdAt
    }

    public var shared: Bool { ownerUserId == nil }
}

extension TicketDesk {
    /// The views `principal` sees: their own, then the shared ones, each by name.
    public func savedViews(by principal: Principal) async throws -> [SavedView] {
        try Access.readAll(principal)
        guard let userId = principal.userId else { return [] }
        return try await read { try await $0.savedViews(userId: userId) }
    }

    /// Saves a view under `name`: the person's own, or shared (the desk only). A name the person
    /// already gave a view replaces that view's query.
    public func saveView(name: String, query: String, shared: Bool, by principal: Principal) async throws -> SavedView {
        try Access.readAll(principal)
        guard let userId = principal.userId else { throw CoordinatorError(.forbidden, "only a person signed in may save a view") }
        if shared { try Access.dispatch(principal) }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 80 else { throw CoordinatorError.invalid("name", "must be 1 to 80 characters") }
        guard query.utf8.count <= 2000 else { throw CoordinatorError.invalid("query", "is longer than 2000 bytes") }
        let owner = shared ? nil : userId
        let view = SavedView(id: 0, ownerUserId: owner, name: name, query: query, createdAt: now())
        return try await write { try await $0.saveView(view) }
    }

    /// Deletes a view: one's own, or a shared one (the desk only).
    public func deleteView(_ id: Int, by principal: Principal) async throws {
        try Access.readAll(principal)
        try await write { session in
            guard let view = try await session.savedView(id), view.ownerUserId == nil || view.ownerUserId == principal.userId else {
                throw CoordinatorError.notFound("view", id)
            }
            if view.shared { try Access.dispatch(principal) }
            try await session.deleteView(id)
        }
    }
}
