import Crypto
import Foundation
import Synchronization

/// A browser signed in to the board: who it is, and the token its forms must carry.
public struct WebSession: Sendable, Equatable {
    public var user: User
    /// Sent in every form and checked on every POST: the cookie alone proves nothing about where
    /// a request came from.
    public var csrf: String
    /// Their role must have a second factor and they have none yet: only the account page opens.
    public var mustAddSecondFactor: Bool
    /// Their unread notifications, for the bell (filled in for pages, not for forms).
    public var unread = 0

    public var principal: Principal { user.principal }
}

/// Where a correct password leads: a session, or first the code from the authenticator app.
public enum SignInStep: Sendable {
    case signedIn(secret: String, session: WebSession)
    /// `pending` proves the password was right, for five minutes; `signIn(pending:code:…)` finishes.
    case needsCode(pending: String)
}

extension Accounts {
    /// The answer to every failed sign-in, whether the login exists or not.
    package static let refused = "the login name or the password is wrong"

    /// Checks a person's password: signs them in for `hours` (the cookie's secret, stored only as
    /// a hash), or asks for their second factor's code. Failed attempts are throttled per (login,
    /// address) and per address (`LoginThrottle`).
    public func signIn(login: String, password: String, from address: String, hours: Int) async throws -> SignInStep {
        let login = UserInput.normalized(login)
        let at = now()
        try await reserveAttempt(login: login, address: address, at: at)
        let (user, hash) = try await read { session -> (User?, String?) in
            guard let user = try await session.user(login: login) else { return (nil, nil) }
            return (user, try await session.passwordHash(userId: user.id))
        }
        guard try await Passwords.verify(password, hash: hash, cost: accounts.bcryptCost), let user, user.active else {
            throw CoordinatorError(.unauthorized, Self.refused)
        }
        if user.totpEnabled {
            try await giveBack(login: login, address: address)
            return .needsCode(pending: try await pendingStep(userId: user.id, at: at))
        }
        let (secret, session) = try await openSession(user, login: login, address: address, hours: hours, at: at)
        return .signedIn(secret: secret, session: session)
    }

    /// The second step: the code from the authenticator app (or a recovery code) after the password.
    /// Its pending step works once: the session it opens spends it.
    public func signIn(pending: String, code: String, from address: String, hours: Int) async throws -> (
        secret: String, session: WebSession
    ) {
        let at = now()
        let tooLong = CoordinatorError(.unauthorized, "the sign-in took too long: enter your password again")
        guard let userId = Self.pendingUser(pending),
            try await read({
                try await $0.hasOneTimeCode(
                    hash: BearerToken.hash(pending), purpose: Self.pendingPurpose, now: at)
            }),
            let user = try await read({ try await $0.user(id: userId) }), user.active
        else { throw tooLong }
        let codeKey = LoginThrottle.codeKey(userId: user.id)
        try await reserveAttempt(key: codeKey, address: address, at: at)
        let accepted = try await write { session -> Bool? in
            guard try await session.consumeOneTimeCode(hash: BearerToken.hash(pending), purpose: Self.pendingPurpose, now: at) else {
                return nil
            }
            guard try await acceptsCode(code, userId: user.id, at: at, in: session) else {
                throw CoordinatorError(.unauthorized, "that code is wrong or was used already")
            }
            return true
        }
        guard accepted != nil else { throw tooLong }
        try await write { try await $0.deleteLoginFailures(codeKey) }
        return try await openSession(user, login: user.login, address: address, hours: hours, at: at)
    }

    /// Counts an attempt for (login, address) and for the address before anything is checked, in
    /// one write with the check of their waits: 429 while either waits (`LoginThrottle`).
    private func reserveAttempt(login: String, address: String, at: Date) async throws {
        try await reserveAttempt(key: LoginThrottle.pairKey(login: login, address: address), address: address, at: at)
    }

    /// The same for any key with the pair's rule (5 free, then doubling waits) beside the address.
    private func reserveAttempt(key pair: String, address: String, at: Date) async throws {
        let address = LoginThrottle.addressKey(address)
        try await write { session in
            let before = try await session.loginFailures([pair, address])
            if let wait = [before[pair], before[address]].compactMap({ LoginThrottle.wait($0, at: at) }).max() {
                throw CoordinatorError(.tooManyRequests, "too many failed sign-ins from here: try again in \(Self.minutes(wait))")
            }
            try await session.saveLoginFailures(LoginThrottle.failed(before[pair], at: at, isAddress: false), key: pair)
            try await session.saveLoginFailures(LoginThrottle.failed(before[address], at: at, isAddress: true), key: address)
        }
    }

    /// A right password gives its attempt back: the pair is cleared, the address counts one less.
    private func giveBack(login: String, address: String, in session: (Records)? = nil) async throws {
        let body: @Sendable (Records) async throws -> Void = { session in
            try await session.deleteLoginFailures(LoginThrottle.pairKey(login: login, address: address))
            let key = LoginThrottle.addressKey(address)
            if let failures = try await session.loginFailures([key])[key] {
                try await session.saveLoginFailures(LoginThrottle.succeeded(failures), key: key)
            }
        }
        if let session { try await body(session) } else { try await write(body) }
    }

    /// Re-entering one's current password on the account page (a new password, replacing or
    /// removing the second factor): throttled per account like a sign-in, counted before the check.
    package func checkCurrentPassword(_ password: String?, userId: Int, field: String) async throws {
        let key = LoginThrottle.reentryKey(userId: userId)
        let at = now()
        let hash = try await write { session -> String? in
            let before = try await session.loginFailures([key])[key]
            if let wait = LoginThrottle.wait(before, at: at) {
                throw CoordinatorError(.tooManyRequests, "too many wrong passwords: try again in \(Self.minutes(wait))")
            }
            try await session.saveLoginFailures(LoginThrottle.failed(before, at: at, isAddress: false), key: key)
            return try await session.passwordHash(userId: userId)
        }
        guard try await Passwords.verify(password ?? "", hash: hash, cost: accounts.bcryptCost) else {
            throw CoordinatorError.invalid(field, "is not your current password")
        }
        try await write { try await $0.deleteLoginFailures(key) }
    }

    private func openSession(_ user: User, login: String, address: String, hours: Int, at: Date) async throws
        -> (secret: String, session: WebSession)
    {
        let secret = BearerToken.generate(prefix: "trs_")
        try await write { session in
            try await giveBack(login: login, address: address, in: session)
            try await session.deleteSessions(expiredAt: at)
            try await session.insertSession(
                secretHash: BearerToken.hash(secret), userId: user.id, at: at,
                expiresAt: at + Double(hours) * 3600)
        }
        return (secret, webSession(user, secret: secret))
    }

    private func webSession(_ user: User, secret: String) -> WebSession {
        WebSession(
            user: user, csrf: Self.csrf(forSession: secret),
            mustAddSecondFactor: Credentials(core: core).mustAddSecondFactor(user))
    }

    package static let pendingPurpose = "second-factor-step"

    /// Proof that `userId` gave the right password at `at`: valid for five minutes and once,
    /// stored only as a hash.
    private func pendingStep(userId: Int, at: Date) async throws -> String {
        let pending = "2fa.\(userId).\(BearerToken.generate(prefix: ""))"
        try await write { session in
            try await session.deleteOneTimeCodes(expiredAt: at)
            try await session.insertOneTimeCode(hash: BearerToken.hash(pending), purpose: Self.pendingPurpose, expiresAt: at + 300)
        }
        return pending
    }

    private static func pendingUser(_ token: String) -> Int? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "2fa" else { return nil }
        return Int(parts[1])
    }

    /// The session behind a cookie; nil when it is unknown or expired, or its user was disabled.
    public func webSession(secret: String) async throws -> WebSession? {
        let at = now()
        guard let user = try await read({ try await $0.sessionUser(secretHash: BearerToken.hash(secret), now: at) }),
            user.active
        else { return nil }
        return webSession(user, secret: secret)
    }

    public func signOut(secret: String) async throws {
        try await write { try await $0.deleteSession(secretHash: BearerToken.hash(secret)) }
    }

    /// Derived from the session's secret, so nothing more is stored and it changes with every sign-in.
    package static func csrf(forSession secret: String) -> String {
        SHA256.hash(data: Data("csrf:\(secret)".utf8)).hex
    }

    private static func minutes(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded(.up))
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }

    // MARK: The forms before there is a session (sign-in, setup)

    /// A token for a form shown before sign-in (cookie and hidden field): a nonce and an expiry
    /// signed with a key every instance shares, so only this coordinator can have made it.
    public func loginFormToken(validFor seconds: Int = 3600) async throws -> String {
        let payload = "\(BearerToken.generate(prefix: "")).\(Int(now().timeIntervalSince1970) + seconds)"
        return payload + "." + (try await loginSignature(payload))
    }

    /// Whether `token` is one `loginFormToken` made and it has not expired.
    public func isValidLoginFormToken(_ token: String) async throws -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = Int(parts[1]), Double(expiry) > now().timeIntervalSince1970 else { return false }
        let expected = try await loginSignature("\(parts[0]).\(parts[1])")
        return constantTimeEqual(String(parts[2]), expected)
    }

    private func loginSignature(_ payload: String) async throws -> String {
        let key = try await secrets.value("login-form") { candidate in
            let sealed = try sealer.seal(candidate)
            return try sealer.open(try await write { try await $0.serverSecret(named: "login-form", orNew: sealed) })
        }
        return Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(key.utf8)))).base64URL
    }
}

/// Server secrets as the store holds them, read once per process.
package final class SecretCache: Sendable {
    private let known = Mutex<[String: String]>([:])

    package func value(_ name: String, load: (String) async throws -> String) async throws -> String {
        if let hit = known.withLock({ $0[name] }) { return hit }
        let value = try await load(BearerToken.generate(prefix: ""))
        known.withLock { $0[name] = value }
        return value
    }
}
