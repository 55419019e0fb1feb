import Hummingbird
import TriageDomain

/// Per-request state: the caller, once the auth middleware has resolved the bearer token (or
/// the board's middleware its session cookie).
public struct TriageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// Set by the board's session middleware for a logged-in browser.
    public var webSession: WebSession?
    /// The peer's IP address (sign-in throttling; a trusted proxy may name the client instead).
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Set by the auth middleware; a route behind it can rely on it.
    package func caller() throws -> Principal {
        guard let principal else { throw CoordinatorError(.unauthorized, "no bearer token was checked") }
        return principal
    }

    package func boardSession() throws -> WebSession {
        guard let webSession else { throw CoordinatorError(.unauthorized, "no board session was checked") }
        return webSession
    }
}
