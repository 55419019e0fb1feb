import Hummingbird
import TriageDomain

/// Resolves `Authorization: Bearer <token>` to a principal; 401 without a valid one.
package struct AuthMiddleware: RouterMiddleware {
    package typealias Context = TriageRequestContext
    package let coordinator: Coordinator

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw CoordinatorError(.unauthorized, "send the header Authorization: Bearer <token>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw CoordinatorError(.unauthorized, "the Authorization header must be Bearer <token>")
        }
        guard let principal = try await coordinator.credentials.principal(forToken: String(parts[1])) else {
            throw CoordinatorError(.unauthorized, "the bearer token is unknown or revoked")
        }
        // A mailgate token sits in an MTA's configuration: it reaches the mail route and nothing else.
        if principal.role == .mailgate, !(request.method == .post && request.uri.path == "/api/v1/mail") { throw Access.mailgateOnly }
        // So does an Alertmanager's: its webhook route and nothing else.
        if principal.role == .alertmanager, !(request.method == .post && request.uri.path == "/api/v1/alertmanager") {
            throw Access.alertmanagerOnly
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "actor"] = .string(principal.actor.description)
        return try await next(request, context)
    }

    package init(coordinator: Coordinator) {
        self.coordinator = coordinator
    }
}
