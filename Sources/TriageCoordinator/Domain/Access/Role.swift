/// What a bearer token may do (docs/ARCHITECTURE.md, "Roles").
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Everything, including inventory and tokens.
    case admin
    /// All tickets, assignment and visits; reads the inventory.
    case dispatcher
    /// Reads everything; writes the tickets assigned to them; comments anywhere.
    case technician
    /// Posts reports and diagnostics for the one host its token is bound to, nothing else.
    case agent
}

/// Who is making a request, resolved by the HTTP layer: a token's identity, or a signed-in
/// person's. A personal token acts as the user it belongs to.
public struct Principal: Sendable, Equatable {
    /// The bearer token behind the request; nil for a browser session (Idempotency-Key replay is per token).
    public var tokenId: Int?
    /// The person's account, for a browser session or a personal token.
    public var userId: Int?
    public var name: String
    public var role: Role
    /// The host an agent token is bound to.
    public var hostId: Int?
    /// The technician a technician token speaks for.
    public var technicianId: Int?

    public init(tokenId: Int?, userId: Int? = nil, name: String, role: Role, hostId: Int? = nil, technicianId: Int? = nil) {
        self.tokenId = tokenId
        self.userId = userId
        self.name = name
        self.role = role
        self.hostId = hostId
        self.technicianId = technicianId
    }

    /// How the principal appears as the actor of ticket events: `role:name`.
    public var actor: Actor { role == .agent ? .agent(name) : .person(role, name) }
}

extension Principal {
    /// The `triage` command line on the coordinator's own machine: it has the database already,
    /// so it acts as an admin (`admin:console` in the history).
    public static let console = Principal(tokenId: nil, name: "console", role: .admin)
}
