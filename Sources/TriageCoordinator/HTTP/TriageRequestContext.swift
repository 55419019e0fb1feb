import Hummingbird

/// Per-request state: the caller, once the auth middleware has resolved the bearer token.
public struct TriageRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Set by the auth middleware; a route behind it can rely on it.
    func caller() throws -> Principal {
        guard let principal else { throw CoordinatorError(.unauthorized, "no bearer token was checked") }
        return principal
    }
}
