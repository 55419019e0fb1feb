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

/// Who is making a request: the token's identity, resolved by the HTTP layer.
public struct Principal: Sendable, Equatable {
    public var tokenId: Int
    public var name: String
    public var role: Role
    /// The host an agent token is bound to.
    public var hostId: Int?
    /// The technician a technician token speaks for.
    public var technicianId: Int?

    public init(tokenId: Int, name: String, role: Role, hostId: Int? = nil, technicianId: Int? = nil) {
        self.tokenId = tokenId
        self.name = name
        self.role = role
        self.hostId = hostId
        self.technicianId = technicianId
    }

    /// How the principal appears as the actor of ticket events: `role:name`.
    public var actor: Actor { role == .agent ? .agent(name) : .person(role, name) }
}
