import Crypto
import Foundation
import TriageModel

/// Bearer tokens: 32 random bytes shown once; only their SHA-256 is stored.
public enum BearerToken {
    public static let prefix = "trg_"

    package static func generate(prefix: String = prefix) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64URL
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }
}

/// API tokens: who a script or agent is. People sign in through `Accounts`; what each role may do is `Access`.
public struct Credentials: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Tokens, the people behind personal ones, the hosts agents are bound to.
    public typealias Storage = AccessRecords & AccountRecords & InventoryRecords
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// Creates a token and returns it with the secret, which is not stored and cannot be shown again.
    /// `userId` makes it a personal token: it acts as that user and stops when they are disabled.
    /// A collector token serves the customers and sites of `scope`, which must exist.
    public func issueToken(
        name: String, role: Role, hostId: Int? = nil, technicianId: Int? = nil, userId: Int? = nil,
        scope: CollectorScope? = nil
    ) async throws -> (info: TokenInfo, secret: String) {
        try Validate.text(name, "name", max: 100)
        if role == .agent, hostId == nil {
            throw CoordinatorError.invalid("host", "an agent token must be bound to a host")
        }
        if role != .agent, hostId != nil {
            throw CoordinatorError.invalid("host", "only agent tokens are bound to a host")
        }
        if role == .technician, technicianId == nil {
            throw CoordinatorError.invalid("technician", "a technician token must name its technician")
        }
        if role != .technician, technicianId != nil {
            throw CoordinatorError.invalid("technician", "only technician tokens name a technician")
        }
        if role == .collector, scope?.isEmpty ?? true {
            throw CoordinatorError.invalid("scope", "a collector token serves named customers or sites: give at least one")
        }
        if role != .collector, scope != nil {
            throw CoordinatorError.invalid("scope", "only collector tokens have a scope")
        }
        if role.isMachine, userId != nil {
            throw CoordinatorError.invalid("user", "agents and collectors are machines; a personal token is a person's")
        }
        let secret = BearerToken.generate()
        let info = try await write { session in
            for (kind, ids) in [(RecordKind.customer, scope?.customers ?? []), (.site, scope?.sites ?? [])] {
                for id in ids where !(try await session.exists(kind, id)) {
                    throw CoordinatorError.invalid("scope", "\(kind.noun) \(id) does not exist")
                }
            }
            if let hostId, !(try await session.exists(.host, hostId)) {
                throw CoordinatorError.invalid("host", "host \(hostId) does not exist")
            }
            if let technicianId, !(try await session.exists(.technician, technicianId)) {
                throw CoordinatorError.invalid("technician", "technician \(technicianId) does not exist")
            }
            if let userId {
                guard let user = try await session.user(id: userId) else {
                    throw CoordinatorError.invalid("user", "user \(userId) does not exist")
                }
                guard user.role == role, user.technicianId == technicianId else {
                    throw CoordinatorError.invalid("user", "a personal token has its user's role and technician")
                }
            }
            return try await session.insertToken(
                NewToken(
                    name: name, userId: userId, role: role, hostId: hostId, technicianId: technicianId, scope: scope,
                    hash: BearerToken.hash(secret), createdAt: now()))
        }
        return (info, secret)
    }

    /// The identity behind a bearer token; nil for an unknown or revoked one, or a personal token
    /// whose user is disabled or must still add the second factor their role requires. A personal
    /// token acts as its user, with the user's role today.
    public func principal(forToken secret: String) async throws -> Principal? {
        try await read { session in
            guard let info = try await session.token(hash: BearerToken.hash(secret)), info.revokedAt == nil else { return nil }
            guard let userId = info.userId else { return info.principal }
            guard let user = try await session.user(id: userId), user.active, !mustAddSecondFactor(user) else { return nil }
            var principal = user.principal
            principal.tokenId = info.id
            return principal
        }
    }

    /// On a store without any token, creates the first admin token and returns its secret.
    public func bootstrapAdminToken() async throws -> String? {
        guard try await read({ try await $0.tokens().isEmpty }) else { return nil }
        return try await issueToken(name: "admin", role: .admin).secret
    }

    public func tokens() async throws -> [TokenInfo] {
        try await read { try await $0.tokens() }
    }

    public func revokeToken(_ id: Int) async throws {
        let found = try await write { try await $0.revokeToken(id, at: now()) }
        if !found { throw CoordinatorError.notFound("token", id) }
    }

    // MARK: Personal tokens

    /// The signed-in person's own tokens, newest last.
    public func personalTokens(by principal: Principal) async throws -> [TokenInfo] {
        guard let userId = principal.userId else { throw CoordinatorError(.forbidden, "personal tokens belong to a person's account") }
        return try await read { try await $0.tokens() }.filter { $0.userId == userId }
    }

    /// A token for the person's own scripts: it acts as them, and is shown once.
    public func issuePersonalToken(name: String, by principal: Principal) async throws -> (info: TokenInfo, secret: String) {
        guard let userId = principal.userId, principal.tokenId == nil else {
            throw CoordinatorError(.forbidden, "a personal token is made by its person, signed in to the board")
        }
        if let user = try await read({ try await $0.user(id: userId) }), mustAddSecondFactor(user) {
            throw CoordinatorError(.forbidden, "set up your second factor first: your role signs in with one")
        }
        return try await issueToken(name: name, role: principal.role, technicianId: principal.technicianId, userId: userId)
    }

    /// Their role requires a second factor and they have none yet (`accounts.requireSecondFactor`).
    package func mustAddSecondFactor(_ user: User) -> Bool {
        accounts.requireSecondFactor.contains(user.role) && !user.totpEnabled
    }

    /// Revokes a token: one's own personal token, or (admins) any.
    public func revoke(_ id: Int, by principal: Principal) async throws {
        guard let token = try await read({ try await $0.token(id: id) }) else { throw CoordinatorError.notFound("token", id) }
        if token.userId == nil || token.userId != principal.userId {
            guard principal.role == .admin else { throw CoordinatorError(.forbidden, "only an admin may revoke somebody else's token") }
        }
        try await revokeToken(id)
    }
}
