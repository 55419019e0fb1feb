import Crypto
import Foundation
import Synchronization

/// A browser logged in to the board: who it is, and the token its forms must carry.
public struct WebSession: Sendable, Equatable {
    public var principal: Principal
    /// Sent in every form and checked on every POST: the cookie alone proves nothing about where
    /// a request came from.
    public var csrf: String
}

extension Credentials {
    /// Logs a browser in with a bearer token for `hours`; returns the cookie's secret, which is
    /// stored only as a hash. Agent tokens post reports and nothing else, so they cannot log in.
    public func openWebSession(token: String, hours: Int) async throws -> (secret: String, session: WebSession) {
        guard let principal = try await principal(forToken: token.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CoordinatorError(.unauthorized, "that token is unknown or revoked")
        }
        if principal.role == .agent {
            throw CoordinatorError(.forbidden, "an agent token posts reports for its host; it cannot log in to the board")
        }
        let secret = BearerToken.generate(prefix: "trs_")
        let at = now()
        try await store.write { session in
            try await session.deleteWebSessions(expiredAt: at)
            try await session.insertWebSession(secretHash: BearerToken.hash(secret), tokenId: principal.tokenId, at: at,
                                               expiresAt: at + Double(hours) * 3600)
        }
        return (secret, WebSession(principal: principal, csrf: Self.csrf(forSession: secret)))
    }

    /// The session behind a cookie; nil when it is unknown, expired, or its token was revoked.
    public func webSession(secret: String) async throws -> WebSession? {
        let at = now()
        guard let token = try await store.read({ try await $0.webSessionToken(secretHash: BearerToken.hash(secret), now: at) }),
            token.revokedAt == nil
        else { return nil }
        return WebSession(principal: token.principal, csrf: Self.csrf(forSession: secret))
    }

    public func closeWebSession(secret: String) async throws {
        try await store.write { try await $0.deleteWebSession(secretHash: BearerToken.hash(secret)) }
    }

    /// Derived from the session's secret, so nothing more is stored and it changes with every login.
    static func csrf(forSession secret: String) -> String {
        SHA256.hash(data: Data("csrf:\(secret)".utf8)).hex
    }

    // MARK: The login form's token, before there is a session

    /// A token for the login form (cookie and hidden field): a nonce and an expiry signed with a
    /// key every instance shares, so only this coordinator can have made it.
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
