import Crypto
import Foundation

/// A browser logged in to the board: who it is, and the token its forms must carry.
public struct WebSession: Sendable, Equatable {
    public var principal: Principal
    /// Sent in every form and checked on every POST: the cookie alone proves nothing about where
    /// a request came from.
    public var csrf: String
}

extension Coordinator {
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
}
