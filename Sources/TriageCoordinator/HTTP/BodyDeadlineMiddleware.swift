import Foundation
import Hummingbird

/// Reads every request body whole before the routes see it, within `http.bodyTimeoutSeconds` of
/// the head (a declared body that never comes, or trickles, is answered 408 and the connection
/// closed) and within a size that depends on who asks: `maxBodyBytes` with credentials, only
/// `http.unauthenticatedBodyBytes` without (413 beyond either).
struct BodyDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    let policy: HTTPPolicy
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let credentialed = request.headers[.authorization] != nil || request.cookies[BoardSessionMiddleware.cookie] != nil
        let limit = credentialed ? maxBodyBytes : min(maxBodyBytes, policy.unauthenticatedBodyBytes)
        let body = request.body
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
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
}
