import Foundation
import SQLKit
import TriageDomain

extension SQLSession {
    private static let userColumns = ["login", "display_name", "email", "role", "technician_id", "active", "created_at", "updated_at"]

    private static func values(of user: User) -> [any SQLExpression] {
        [
            SQLBind(user.login), SQLBind(user.displayName), StoredValue.text(user.email).sql, SQLBind(user.role.rawValue),
            StoredValue.int(user.technicianId).sql, SQLBind(user.active), SQLBind(user.createdAt.storedMilliseconds),
            SQLBind(user.updatedAt.storedMilliseconds),
        ]
    }

    private static func user(_ row: any SQLRow) throws -> User {
        let r = SQLStoredRow(row: row)
        let roleText = try r.required(r.text("role"), "role")
        guard let role = Role(rawValue: roleText) else { throw CoordinatorError(.storage, "unknown role \(roleText) in users") }
        return User(
            id: try r.required(r.int("id"), "id"), login: try r.required(r.text("login"), "login"),
            displayName: try r.required(r.text("display_name"), "display_name"), email: try r.text("email"), role: role,
            technicianId: try r.int("technician_id"), active: try r.bool("active"), totpEnabled: try r.text("totp_secret") != nil,
            passwordChangedAt: try r.time("password_changed_at"), createdAt: try r.required(r.time("created_at"), "created_at"),
            updatedAt: try r.required(r.time("updated_at"), "updated_at"))
    }

    func insertUser(_ user: User) async throws -> User {
        let id = try await db.insert(into: "users").columns(Self.userColumns).values(Self.values(of: user))
            .returning("id").first(decodingColumn: "id", as: Int.self)
        guard let id else { throw CoordinatorError(.storage, "insert into users returned no id") }
        var stored = user
        stored.id = id
        return stored
    }

    func updateUser(_ user: User) async throws {
        let update = db.update("users")
        for (column, value) in zip(Self.userColumns, Self.values(of: user)) where column != "created_at" {
            update.set(SQLIdentifier(column), to: value)
        }
        try await update.where("id", .equal, user.id).run()
    }

    func user(id: Int) async throws -> User? {
        try await db.select().column("*").from("users").where("id", .equal, id).first().map(Self.user)
    }

    func user(login: String) async throws -> User? {
        try await db.select().column("*").from("users").where("login", .equal, login).first().map(Self.user)
    }

    func users() async throws -> [User] {
        try await db.select().column("*").from("users").orderBy("id").all().map(Self.user)
    }

    func userCount() async throws -> Int {
        try await db.select().column(SQLFunction("count", args: SQLLiteral.all), as: "n").from("users")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    func passwordHash(userId: Int) async throws -> String? {
        try await db.select().column("password_hash").from("users").where("id", .equal, userId).first()
            .flatMap { try SQLStoredRow(row: $0).text("password_hash") }
    }

    func setPasswordHash(_ hash: String, userId: Int, at: Date) async throws {
        try await db.update("users").set("password_hash", to: hash).set("password_changed_at", to: at.storedMilliseconds)
            .set("updated_at", to: at.storedMilliseconds).where("id", .equal, userId).run()
    }

    func secondFactor(userId: Int) async throws -> SecondFactor {
        guard
            let row = try await db.select().columns("totp_secret", "totp_pending", "recovery_codes", "totp_last_step").from("users")
                .where("id", .equal, userId).first()
        else { throw CoordinatorError.notFound("user", userId) }
        let r = SQLStoredRow(row: row)
        let codes = try JSONDecoder().decode([String].self, from: Data((try r.text("recovery_codes") ?? "[]").utf8))
        return SecondFactor(
            secret: try r.text("totp_secret"), pending: try r.text("totp_pending"), recoveryCodes: codes,
            lastStep: try r.int("totp_last_step"))
    }

    func saveSecondFactor(_ factor: SecondFactor, userId: Int, at: Date) async throws {
        let codes = String(decoding: try JSONEncoder().encode(factor.recoveryCodes), as: UTF8.self)
        try await db.update("users").set("totp_secret", to: StoredValue.text(factor.secret).sql)
            .set("totp_pending", to: StoredValue.text(factor.pending).sql).set("recovery_codes", to: codes)
            .set("totp_last_step", to: StoredValue.int(factor.lastStep).sql).set("updated_at", to: at.storedMilliseconds)
            .where("id", .equal, userId).run()
    }

    func seenEventId(userId: Int) async throws -> Int? {
        try await db.select().column("seen_event_id").from("users").where("id", .equal, userId).first()
            .flatMap { try SQLStoredRow(row: $0).int("seen_event_id") }
    }

    func setSeenEventId(_ id: Int, userId: Int) async throws {
        try await db.update("users").set("seen_event_id", to: id).where("id", .equal, userId).run()
    }

    func insertSession(secretHash: String, userId: Int, at: Date, expiresAt: Date) async throws {
        try await db.insert(into: "sessions").columns("secret_hash", "user_id", "created_at", "expires_at")
            .values(SQLBind(secretHash), SQLBind(userId), SQLBind(at.storedMilliseconds), SQLBind(expiresAt.storedMilliseconds))
            .run()
    }

    func sessionUser(secretHash: String, now: Date) async throws -> User? {
        try await db.select().column(SQLColumn(SQLLiteral.all, table: SQLIdentifier("users"))).from("sessions")
            .join("users", on: SQLColumn("user_id", table: "sessions"), .equal, SQLColumn("id", table: "users"))
            .where(SQLColumn("secret_hash", table: "sessions"), .equal, SQLBind(secretHash))
            .where(SQLColumn("expires_at", table: "sessions"), .greaterThan, SQLBind(now.storedMilliseconds))
            .first().map(Self.user)
    }

    func deleteSession(secretHash: String) async throws {
        try await db.delete(from: "sessions").where("secret_hash", .equal, secretHash).run()
    }

    func deleteSessions(userId: Int, except secretHash: String?) async throws {
        let delete = db.delete(from: "sessions").where("user_id", .equal, userId)
        if let secretHash { delete.where("secret_hash", .notEqual, secretHash) }
        try await delete.run()
    }

    func deleteSessions(expiredAt now: Date) async throws {
        try await db.delete(from: "sessions").where("expires_at", .lessThanOrEqual, now.storedMilliseconds).run()
    }

    func loginFailures(_ keys: [String]) async throws -> [String: LoginFailures] {
        guard !keys.isEmpty else { return [:] }
        var found: [String: LoginFailures] = [:]
        for row in try await db.select().column("*").from("login_failures").where("key", .in, keys).all() {
            let r = SQLStoredRow(row: row)
            found[try r.required(r.text("key"), "key")] = LoginFailures(
                count: try r.required(r.int("failures"), "failures"), since: try r.required(r.time("since"), "since"),
                lockedUntil: try r.time("locked_until"))
        }
        return found
    }

    func saveLoginFailures(_ failures: LoginFailures, key: String) async throws {
        try await db.insert(into: "login_failures").columns("key", "failures", "since", "locked_until")
            .values(
                SQLBind(key), SQLBind(failures.count), SQLBind(failures.since.storedMilliseconds),
                failures.lockedUntil.map { SQLBind($0.storedMilliseconds) } ?? SQLLiteral.null
            )
            .onConflict(with: ["key"]) {
                $0.set(excludedValueOf: "failures").set(excludedValueOf: "since").set(excludedValueOf: "locked_until")
            }
            .run()
    }

    func deleteLoginFailures(_ key: String) async throws {
        try await db.delete(from: "login_failures").where("key", .equal, key).run()
    }

    func replaceOneTimeCodes(purpose: String, with hash: String, expiresAt: Date) async throws {
        try await db.delete(from: "one_time_codes").where("purpose", .equal, purpose).run()
        try await db.insert(into: "one_time_codes").columns("hash", "purpose", "expires_at")
            .values(SQLBind(hash), SQLBind(purpose), SQLBind(expiresAt.storedMilliseconds)).run()
    }

    func consumeOneTimeCode(hash: String, purpose: String, now: Date) async throws -> Bool {
        try await db.delete(from: "one_time_codes").where("hash", .equal, hash).where("purpose", .equal, purpose)
            .where("expires_at", .greaterThan, now.storedMilliseconds).returning("hash").first() != nil
    }

    func insertOneTimeCode(hash: String, purpose: String, expiresAt: Date) async throws {
        try await db.insert(into: "one_time_codes").columns("hash", "purpose", "expires_at")
            .values(SQLBind(hash), SQLBind(purpose), SQLBind(expiresAt.storedMilliseconds)).run()
    }

    func hasOneTimeCode(hash: String, purpose: String, now: Date) async throws -> Bool {
        try await db.select().column("hash").from("one_time_codes").where("hash", .equal, hash).where("purpose", .equal, purpose)
            .where("expires_at", .greaterThan, now.storedMilliseconds).first() != nil
    }

    func deleteOneTimeCodes(expiredAt now: Date) async throws {
        try await db.delete(from: "one_time_codes").where("expires_at", .lessThanOrEqual, now.storedMilliseconds).run()
    }

    func revokePersonalTokens(userId: Int, at: Date) async throws {
        try await db.update("tokens").set("revoked_at", to: at.storedMilliseconds).where("user_id", .equal, userId)
            .where("revoked_at", .is, SQLLiteral.null).run()
    }
}
