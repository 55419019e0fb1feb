import Foundation
import Hummingbird
import NIOCore
import TriageDomain

/// Reads every request body whole before the routes see it, within `http.bodyTimeoutSeconds` of
/// the head (a declared body that never comes, or trickles, is answered 408 and the connection
/// closed) and within a size that depends on who asks: only `http.unauthenticatedBodyBytes`
/// until a credential is *verified* — a bearer token that is known, or a live board session —
/// then `maxBodyBytes` (413 beyond either). A header or cookie merely present proves nothing, and
/// small bodies (most) are never checked here: the credential is looked up only when a body
/// outgrows the small limit.
package struct BodyDeadlineMiddleware: RouterMiddleware {
    package typealias Context = TriageRequestContext
    package let policy: HTTPPolicy
    package let maxBodyBytes: Int
    package let coordinator: Coordinator

    /// Raw mail and replies or notes with files may be larger (`mail.maxMessageBytes`).
    private func largest(for request: Request) -> Int {
        let path = request.uri.path
        let files =
            request.method == .post
            && (path == "/api/v1/mail"
                || (path.hasSuffix("/comments") && (path.hasPrefix("/api/v1/tickets/") || path.hasPrefix("/board/tickets/"))))
        return files ? max(maxBodyBytes, coordinator.mail.policy.maxMessageBytes) : maxBodyBytes
    }

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let maxBodyBytes = largest(for: request)
        let small = min(maxBodyBytes, policy.unauthenticatedBodyBytes)
        let body = request.body
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                var collected = ByteBuffer()
                var limit = small
                for try await chunk in body {
                    if collected.readableBytes + chunk.readableBytes > limit {
                        if limit < maxBodyBytes, try await isCredentialed(request) { limit = maxBodyBytes }
                        guard collected.readableBytes + chunk.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
                    }
                    var chunk = chunk
                    collected.writeBuffer(&chunk)
                }
                return collected
            }
            group.addTask {
                try await Task.sleep(for: .seconds(policy.bodyTimeoutSeconds))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let buffer else {
            throw CoordinatorError(.requestTimeout, "the request body did not arrive within \(policy.bodyTimeoutSeconds) s")
        }
        var request = request
        request.body = RequestBody(buffer: buffer)
        return try await next(request, context)
    }

    /// A bearer token the coordinator knows, or a board session that is live.
    private func isCredentialed(_ request: Request) async throws -> Bool {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
            return try await coordinator.credentials.principal(forToken: String(parts[1])) != nil
        }
        if let secret = request.cookies[BoardCookie.session]?.value {
            return try await coordinator.accounts.webSession(secret: secret) != nil
        }
        return false
    }

    package init(policy: HTTPPolicy, maxBodyBytes: Int, coordinator: Coordinator) {
        self.policy = policy
        self.maxBodyBytes = maxBodyBytes
        self.coordinator = coordinator
    }
}

/// The board's session cookie, which the body limit also accepts as a credential.
package enum BoardCookie {
    package static let session = "triage_session"
}
