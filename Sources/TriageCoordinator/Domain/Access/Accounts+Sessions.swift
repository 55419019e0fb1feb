import Crypto
import Foundation
import Synchronization

/// A browser signed in to the board: who it is, and the token its forms must carry.
public struct WebSession: Sendable, Equatable {
    public var user: User
    /// Sent in every form and checked on every POST: the cookie alone proves nothing about where
    /// a request came from.
    public var csrf: String

    public var principal: Principal { user.principal }
}

extension Accounts {
    /// The answer to every failed sign-in, whether the login exists or not.
    static let refused = "the login name or the password is wrong"

    /// Signs a person in for `hours`: the cookie's secret (stored only as a hash) and the session.
    /// Failed attempts are throttled per (login, address) and per address (`LoginThrottle`).
    public func signIn(login: String, password: String, from address: String, hours: Int) async throws
        -> (secret: String, session: WebSession)
    {
        let login = UserInput.normalized(login)
        let at = now()
        let keys = (pair: LoginThrottle.pairKey(login: login, address: address), address: LoginThrottle.addressKey(address))
        let failures = try await store.read { try await $0.loginFailures([keys.pair, keys.address]) }
        if let wait = [failures[keys.pair], failures[keys.address]].compactMap({ LoginThrottle.wait($0, at: at) }).max() {
            throw CoordinatorError(.tooManyRequests, "too many failed sign-ins from here: try again in \(Self.minutes(wait))")
        }
        let (user, hash) = try await store.read { session -> (User?, String?) in
            guard let user = try await session.user(login: login) else { return (nil, nil) }
            return (user, try await session.passwordHash(userId: user.id))
        }
        guard try await Passwords.verify(password, hash: hash), let user, user.active else {
            try await store.write { session in
                let now = try await session.loginFailures([keys.pair, keys.address])
                try await session.saveLoginFailures(LoginThrottle.failed(now[keys.pair], at: at, isAddress: false), key: keys.pair)
                try await session.saveLoginFailures(LoginThrottle.failed(now[keys.address], at: at, isAddress: true), key: keys.address)
            }
            throw CoordinatorError(.unauthorized, Self.refused)
        }
        let secret = BearerToken.generate(prefix: "trs_")
        try await store.write { session in
            try await session.deleteLoginFailures(keys.pair)
            try await session.deleteSessions(expiredAt: at)
            try await session.insertSession(secretHash: BearerToken.hash(secret), userId: user.id, at: at,
                                            expiresAt: at + Double(hours) * 3600)
        }
        return (secret, WebSession(user: user, csrf: Self.csrf(forSession: secret)))
    }

    /// The session behind a cookie; nil when it is unknown or expired, or its user was disabled.
    public func webSession(secret: String) async throws -> WebSession? {
        let at = now()
        guard let user = try await store.read({ try await $0.sessionUser(secretHash: BearerToken.hash(secret), now: at) }),
            user.active
        else { return nil }
        return WebSession(user: user, csrf: Self.csrf(forSession: secret))
    }

    public func signOut(secret: String) async throws {
        try await store.write { try await $0.deleteSession(secretHash: BearerToken.hash(secret)) }
    }

    /// Derived from the session's secret, so nothing more is stored and it changes with every sign-in.
    static func csrf(forSession secret: String) -> String {
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
            try await store.write { try await $0.serverSecret(named: "login-form", orNew: candidate) }
        }
        return Data(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(key.utf8)))).base64URL
    }
}

/// Server secrets as the store holds them, read once per process.
final class SecretCache: Sendable {
    private let known = Mutex<[String: String]>([:])

    func value(_ name: String, load: (String) async throws -> String) async throws -> String {
        if let hit = known.withLock({ $0[name] }) { return hit }
        let value = try await load(BearerToken.generate(prefix: ""))
        known.withLock { $0[name] = value }
        return value
    }
}
