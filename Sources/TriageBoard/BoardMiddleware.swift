import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TriageDomain
import TriageEdge

/// Resolves the session cookie to a logged-in browser. Without a live session a page request
/// goes to the login page (and comes back after it); a form post is refused.
struct BoardSessionMiddleware: RouterMiddleware {
    typealias Context = TriageRequestContext
    static let cookie = BoardCookie.session
    let coordinator: Coordinator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = request.cookies[Self.cookie]?.value, var session = try await coordinator.accounts.webSession(secret: secret)
        else {
            if request.method == .get || request.method == .head {
                let back = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
                return Pages.redirect(to: "/board/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
            throw CoordinatorError(.unauthorized, "your board session has ended: sign in again")
        }
        // A role that must sign in with a second factor sees only its account page until it has
        // one, and only the enrolment forms and sign-out act.
        if session.mustAddSecondFactor, !Self.allowedBeforeSecondFactor(request) {
            guard request.method == .get || request.method == .head else {
                throw CoordinatorError(.forbidden, "set up your second factor on your account page first")
            }
            return Pages.redirect(to: "/board/account")
        }
        // A page's header shows the bell's count.
        if request.method == .get { session.unread = try await coordinator.notifications.unread(by: session.principal) }
        var context = context
        context.principal = session.principal
        context.webSession = session
        context.logger[metadataKey: "actor"] = .string(session.principal.actor.description)
        return try await next(request, context)
    }
}

extension BoardSessionMiddleware {
    static func allowedBeforeSecondFactor(_ request: Request) -> Bool {
        let path = request.uri.path
        if request.method == .get || request.method == .head { return path == "/board/account" }
        return path.hasPrefix("/board/account/second-factor/") || path == "/board/logout"
    }
}

/// Failures on the board are pages, not JSON: the status that fits and a sentence that says what to do.
struct BoardErrorMiddleware: RouterMiddleware {
    typealias Context = TriageRequestContext
    let pages: Pages
    let zone: TimeZone
    let coordinator: Coordinator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as CoordinatorError {
            return await page(error.code.httpStatus, error.message, request)
        } catch is NIOTooManyBytesError {
            return await page(.contentTooLarge, "the form is larger than the limit", request)
        } catch {
            context.logger.error("board request failed: \(error)", metadata: ["path": "\(request.uri.path)"])
            return await page(.internalServerError, "something went wrong on the server; its log says what", request)
        }
    }

    /// The error as a page, with the header of the person signed in (this middleware runs before
    /// the session's, so it looks the session up itself), from which they can go on or sign out.
    private func page(_ status: HTTPResponse.Status, _ message: String, _ request: Request) async -> Response {
        var session: WebSession?
        if let secret = request.cookies[BoardSessionMiddleware.cookie]?.value {
            session = try? await coordinator.accounts.webSession(secret: secret)
        }
        var page = ErrorPage(
            chrome: Chrome(session: session, clock: BoardClock(zone: zone, now: coordinator.now())),
            heading: status.reasonPhrase, message: message)
        if status == .unauthorized { (page.back, page.backText) = ("/board/login", "Sign in") }
        return pages.render("error", page, status: status)
    }
}
