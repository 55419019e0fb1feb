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
    /// Runs diagnosis jobs and agentless health checks over SSH for the hosts of the customers
    /// and sites its token names, nothing else.
    case collector
    /// Posts raw mail as the MTA delivered it (`triage mailgate`), nothing else.
    case mailgate
    /// Posts Prometheus Alertmanager's webhook notifications (POST /api/v1/alertmanager), nothing else.
    case alertmanager

    /// A machine's role, never a person's account.
    public var isMachine: Bool { self == .agent || self == .collector || self == .mailgate || self == .alertmanager }
}

/// The customers and sites a collector token serves: a host is in scope when its site is named
/// or its site belongs to a named customer.
public struct CollectorScope: Codable, Sendable, Equatable {
    public var customers: [Int]
    public var sites: [Int]

    public init(customers: [Int] = [], sites: [Int] = []) {
        self.customers = customers
        self.sites = sites
    }

    public var isEmpty: Bool { customers.isEmpty && sites.isEmpty }

    public func contains(siteId: Int, customerId: Int) -> Bool {
        sites.contains(siteId) || customers.contains(customerId)
    }

    /// "customers 3, 4; sites 7", as lists and refusals name it.
    public var words: String {
        [
            customers.isEmpty ? nil : "customers " + customers.map(String.init).joined(separator: ", "),
            sites.isEmpty ? nil : "sites " + sites.map(String.init).joined(separator: ", "),
        ]
        .compactMap { $0 }.joined(separator: "; ")
    }
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
    /// What a collector token serves.
    public var scope: CollectorScope?

    public init(
        tokenId: Int?, userId: Int? = nil, name: String, role: Role, hostId: Int? = nil, technicianId: Int? = nil,
        scope: CollectorScope? = nil
    ) {
        self.tokenId = tokenId
        self.userId = userId
        self.name = name
        self.role = role
        self.hostId = hostId
        self.technicianId = technicianId
        self.scope = scope
    }

    /// How the principal appears as the actor of ticket events: `role:name`.
    public var actor: Actor {
        switch role {
        case .agent: .agent(name)
        case .collector: .collector(name)
        case .mailgate: .system(.mail)
        case .alertmanager: .alertmanager(name)
        default: .person(role, name)
        }
    }
}

extension Principal {
    /// The `triage` command line on the coordinator's own machine: it has the database already,
    /// so it acts as an admin (`admin:console` in the history).
    public static let console = Principal(tokenId: nil, name: "console", role: .admin)
}
