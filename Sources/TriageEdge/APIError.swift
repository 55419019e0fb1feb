import Foundation
import Hummingbird
import Logging
import NIOCore
import TriageDomain

/// Turns every failure into `{"error": {"code", "message"}}` with the status that fits, so a
/// client never sees another error shape; anything unexpected is logged and becomes a 500.
package struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    package let routes: RouteTable

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as CoordinatorError {
            if error.code.httpStatus.code >= 500 {
                context.logger.error("request failed: \(error.message)", metadata: ["path": "\(request.uri.path)"])
            }
            return Self.response(for: error)
        } catch is NIOTooManyBytesError {
            return Self.response(for: CoordinatorError(.tooLarge, "the request body is larger than the limit"))
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(forPath: request.uri.path)
            guard !allowed.isEmpty else {
                return Self.response(for: CoordinatorError(.notFound, "no such route: \(request.method) \(request.uri.path)"))
            }
            var response = Self.response(
                for: CoordinatorError(.methodNotAllowed, "\(request.uri.path) allows \(allowed.joined(separator: ", "))"))
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as any HTTPResponseError {
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            return Self.response(status: error.status, code: code, message: message)
        } catch {
            context.logger.error("request failed: \(error)", metadata: ["path": "\(request.uri.path)"])
            return Self.response(status: .internalServerError, code: "internal", message: "internal error; see the server log")
        }
    }

    package static func response(for error: CoordinatorError) -> Response {
        var response = response(status: error.code.httpStatus, code: error.code.rawValue, message: error.message)
        if error.code == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if error.code == .requestTimeout { response.headers[.connection] = "close" }
        return response
    }

    package static func response(status: HTTPResponse.Status, code: String, message: String) -> Response {
        let body: JSONValue = ["error": ["code": .string(code), "message": .string(message)]]
        return JSONBody.response(body, status: status)
    }

    package init(routes: RouteTable) {
        self.routes = routes
    }
}

extension CoordinatorError.Code {
    /// The HTTP status a failure of this kind answers with.
    package var httpStatus: HTTPResponse.Status {
        switch self {
        case .badRequest, .malformedJSON: .badRequest
        case .invalid, .idempotencyKeyReused: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .requestTimeout: .requestTimeout
        case .methodNotAllowed: .methodNotAllowed
        case .unsupportedMediaType: .unsupportedMediaType
        case .unavailable: .serviceUnavailable
        case .tooManyRequests: .tooManyRequests
        default: .internalServerError
        }
    }
}
