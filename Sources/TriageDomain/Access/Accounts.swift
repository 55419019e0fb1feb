import Foundation

/// People's accounts: users with passwords, the first start's setup link, and signing in and out
/// of the board (`Accounts+Sessions.swift`). Scripts and agents use tokens (`Credentials`).
public struct Accounts: Room {
    let core: Core
    /// The storage this room uses, and no more (docs/ARCHITECTURE.md, "Rooms"). Accounts and sessions, the sealed keys, the technicians people are.
    public typealias Storage = AccountRecords & AccessRecords & InventoryRecords
    public typealias Records = any Storage
    static func narrow(_ session: any StoreSession) -> Records { session }

    /// The rules for passwords (what the setup and password pages tell people).
    public var policy: AccountPolicy { accounts }

    package static let setupPurpose = "setup"
    /// How long the first start's setup link works.
    package static let setupHours = 24

    /// On a store without users: a new setup code, valid for `setupHours` and once (any earlier
    /// one is void); nil once somebody has an account.
    public func setupCode() async throws -> String? {
        let code = BearerToken.generate(prefix: "")
        let at = now()
        let made = try await write { session in
            guard try await session.userCount() == 0 else { return false }
            try await session.replaceOneTimeCodes(
                purpose: Self.setupPurpose, with: BearerToken.hash(code),
                expiresAt: at + Double(Self.setupHours) * 3600)
            return true
        }
        return made ? code : nil
    }

    /// Whether somebody has an account: the setup link has nothing left to do.
    public func isSetUp() async throws -> Bool {
        try await read { try await $0.userCount() } > 0
    }

    /// /setup: the first admin chooses their login and password with the printed code.
    public func setUp(code: String, _ input: UserInput, password: String) async throws -> User {
        let admin = UserInput(login: input.login, displayName: input.displayName, email: input.email, role: .admin)
        try admin.validate()
        try Passwords.check(password, login: admin.login, policy: accounts)
        let hash = try await Passwords.hash(password, cost: accounts.bcryptCost)
        let at = now()
        return try await write { session in
            guard try await session.userCount() == 0 else {
                throw CoordinatorError(.conflict, "Triage has been set up already: sign in instead")
            }
            guard try await session.consumeOneTimeCode(hash: BearerToken.hash(code), purpose: Self.setupPurpose, now: at) else {
                throw CoordinatorError(
                    .forbidden,
                    "this setup link is not valid (it works once, for \(Self.setupHours) hours): "
                        + "restart triage serve for a new one")
            }
            return try await insert(admin, passwordHash: hash, at: at, in: session)
        }
    }

    /// A new account (admins; `triage user create`), with its first password.
    public func create(_ input: UserInput, password: String, by principal: Principal) async throws -> User {
        try Access.manageAccounts(principal)
        try input.validate()
        try Passwords.check(password, login: UserInput.normalized(input.login), policy: accounts)
        let hash = try await Passwords.hash(password, cost: accounts.bcryptCost)
        let at = now()
        return try await write { try await insert(input, passwordHash: hash, at: at, in: $0) }
    }

    private func insert(_ input: UserInput, passwordHash: String, at: Date, in session: Records) async throws -> User {
        let login = UserInput.normalized(input.login)
        if try await session.user(login: login) != nil { throw CoordinatorError(.conflict, "the login \(login) is taken") }
        if let technicianId = input.technicianId, !(try await session.exists(.technician, technicianId)) {
            throw CoordinatorError.invalid("technicianId", "technician \(technicianId) does not exist")
        }
        let user = try await session.insertUser(
            User(
                id: 0, login: login, displayName: input.displayName ?? login, email: input.email, role: input.role,
                technicianId: input.technicianId, active: true, totpEnabled: false, passwordChangedAt: nil, createdAt: at, updatedAt: at))
        try await session.setPasswordHash(passwordHash, userId: user.id, at: at)
        return try await session.user(id: user.id) ?? user
    }

    public func users(by principal: Principal) async throws -> [User] {
        try Access.manageAccounts(principal)
        return try await read { try await $0.users() }
    }

    /// A user by login, for the command line and the admin pages.
    public func user(login: String, by principal: Principal) async throws -> User {
        try Access.manageAccounts(principal)
        let login = UserInput.normalized(login)
        guard let user = try await read({ try await $0.user(login: login) }) else {
            throw CoordinatorError(.notFound, "no user has the login \(login)")
        }
        return user
    }

    /// A new password: one's own (giving the current one) or, for an admin, anybody's. Every other
    /// session of the user ends; `keeping` is the session that made the change. Their personal
    /// tokens are revoked unless `keepTokens` (a person who changes the password because it leaked
    /// wants them gone; one who changes it by routine keeps their scripts running).
    public func setPassword(
        of userId: Int, to password: String, current: String?, keeping secret: String? = nil,
        keepTokens: Bool = false, by principal: Principal
    ) async throws {
        let own = principal.userId == userId
        if !own { try Access.manageAccounts(principal) }
        guard let user = try await read({ try await $0.user(id: userId) }) else { throw CoordinatorError.notFound("user", userId) }
        if own { try await checkCurrentPassword(current, userId: userId, field: "current") }
        try Passwords.check(password, login: user.login, policy: accounts)
        let hash = try await Passwords.hash(password, cost: accounts.bcryptCost)
        let at = now()
        try await write { session in
            try await session.setPasswordHash(hash, userId: userId, at: at)
            try await session.deleteSessions(userId: userId, except: secret.map(BearerToken.hash))
            if !keepTokens { try await session.revokePersonalTokens(userId: userId, at: at) }
        }
    }

    /// Disables or enables an account (admins). A disabled user's sessions end and their personal
    /// tokens are revoked for good (enabling the account again does not bring them back); the last
    /// active admin cannot be disabled.
    public func setActive(_ userId: Int, _ active: Bool, by principal: Principal) async throws -> User {
        try Access.manageAccounts(principal)
        let at = now()
        return try await write { session in
            guard var user = try await session.user(id: userId) else { throw CoordinatorError.notFound("user", userId) }
            guard user.active != active else { return user }
            if !active, user.role == .admin,
                try await session.users().filter({ $0.role == .admin && $0.active }).count == 1
            {
                throw CoordinatorError(.conflict, "\(user.login) is the last active admin: make another admin first")
            }
            user.active = active
            user.updatedAt = at
            try await session.updateUser(user)
            if !active {
                try await session.deleteSessions(userId: userId, except: nil)
                try await session.revokePersonalTokens(userId: userId, at: at)
            }
            return user
        }
    }
}
