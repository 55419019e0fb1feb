import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge

/// Signing in and out, and the first start's setup page. The forms shown before there is a
/// session carry their own CSRF token: a double-submit cookie whose value the coordinator signed
/// (`Accounts.loginFormToken`), so a cookie someone else set with a matching field does not pass.
struct SignIn: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int
    let policy: BoardPolicy
    let clientAddresses: ClientAddress

    static let loginCookie = "triage_login"
    /// A sign-in or setup form is a few short fields: anything bigger is not one (413).
    static let loginBodyLimit = 8 << 10

    /// Sign-in, its second step and the setup link: open to everybody.
    func addOpen(to router: Router<TriageRequestContext>, board web: RouterGroup<TriageRequestContext>) {
        web.get("/login") { request, _ in try await loginPage(next: Query(request).string("next"), request: request) }
        web.post("/login") { request, context in try await signIn(request, context) }
        web.post("/login/code") { request, context in try await signInWithCode(request, context) }
        let setup = router.group("/setup").add(middleware: BoardErrorMiddleware(pages: pages, zone: zone, coordinator: coordinator))
        setup.get("") { request, _ in
            // Once somebody has an account the link has done its work: say so instead of a form that can only fail.
            if try await coordinator.accounts.isSetUp() {
                throw CoordinatorError(.conflict, "Triage has been set up already: sign in instead")
            }
            return try await setupPage(code: Query(request).string("code") ?? "", request: request)
        }
        setup.post("") { request, context in try await setUp(request, context) }
    }

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.post("/logout") { request, context in
            let session = try context.boardSession()
            try (try await WebForm(request, limit: bodyLimit)).requireCSRF(session.csrf)
            if let secret = request.cookies[BoardSessionMiddleware.cookie]?.value { try await coordinator.accounts.signOut(secret: secret) }
            var response = Pages.redirect(to: "/board/login")
            response.setCookie(Board.cookie(BoardSessionMiddleware.cookie, "", path: "/board", maxAge: 0, request: request))
            return response
        }
    }

    struct LoginPage {
        var chrome: Chrome
        var csrf: String
        var next: String
        var login: String
    }

    private func loginPage(
        next: String?, login: String = "", error: String? = nil, status: HTTPResponse.Status = .ok,
        request: Request
    ) async throws -> Response {
        let csrf = try await coordinator.accounts.loginFormToken()
        var chrome = Chrome(session: nil, clock: clock())
        chrome.error = error
        var response = pages.render(
            "login", LoginPage(chrome: chrome, csrf: csrf, next: Board.safeNext(next), login: login),
            status: status)
        response.setCookie(Board.cookie(Self.loginCookie, csrf, path: "/board/login", maxAge: 3600, request: request))
        return response
    }

    /// The signed cookie is checked before the body is read: a stranger's post costs nothing.
    private func signIn(_ request: Request, _ context: TriageRequestContext) async throws -> Response {
        guard let expected = request.cookies[Self.loginCookie]?.value, try await coordinator.accounts.isValidLoginFormToken(expected) else {
            return try await loginPage(
                next: nil, error: "The sign-in form had expired (or cookies are off): sign in again.",
                status: .forbidden, request: request)
        }
        let form = try await WebForm(request, limit: Self.loginBodyLimit)
        try form.requireCSRF(expected)
        do {
            switch try await coordinator.accounts.signIn(
                login: try form.required("login"), password: try form.required("password"), from: clientAddress(request, context),
                hours: policy.sessionHours)
            {
            case .signedIn(let secret, _):
                return signedIn(secret, going: form["next"], request: request, formCookiePath: "/board/login")
            case .needsCode(let pending):
                return pages.render(
                    "code",
                    CodePage(
                        chrome: Chrome(session: nil, clock: clock()), csrf: expected, pending: pending,
                        next: Board.safeNext(form["next"])))
            }
        } catch let error as CoordinatorError where [.unauthorized, .tooManyRequests, .invalid].contains(error.code) {
            return try await loginPage(
                next: form["next"], login: form["login"] ?? "", error: "Not signed in: \(error.message).",
                status: error.code.httpStatus, request: request)
        }
    }

    struct CodePage {
        var chrome: Chrome
        var csrf: String
        var pending: String
        var next: String
    }

    /// The second step: the form carries the proof of the password (`pending`), the code finishes.
    private func signInWithCode(_ request: Request, _ context: TriageRequestContext) async throws -> Response {
        guard let expected = request.cookies[Self.loginCookie]?.value, try await coordinator.accounts.isValidLoginFormToken(expected) else {
            return try await loginPage(
                next: nil, error: "The sign-in form had expired (or cookies are off): sign in again.",
                status: .forbidden, request: request)
        }
        let form = try await WebForm(request, limit: Self.loginBodyLimit)
        try form.requireCSRF(expected)
        let pending = try form.required("pending")
        do {
            let (secret, _) = try await coordinator.accounts.signIn(
                pending: pending, code: try form.required("code"),
                from: clientAddress(request, context), hours: policy.sessionHours)
            return signedIn(secret, going: form["next"], request: request, formCookiePath: "/board/login")
        } catch let error as CoordinatorError where error.code == .unauthorized && error.message.contains("took too long") {
            return try await loginPage(
                next: form["next"], error: "Not signed in: \(error.message).", status: .unauthorized, request: request)
        } catch let error as CoordinatorError where [.unauthorized, .tooManyRequests].contains(error.code) {
            var chrome = Chrome(session: nil, clock: clock())
            chrome.error = "Not signed in: \(error.message)."
            return pages.render(
                "code", CodePage(chrome: chrome, csrf: expected, pending: pending, next: Board.safeNext(form["next"])),
                status: error.code.httpStatus)
        }
    }

    private func signedIn(_ secret: String, going next: String?, request: Request, formCookiePath: String) -> Response {
        var response = Pages.redirect(to: Board.safeNext(next))
        response.setCookie(
            Board.cookie(
                BoardSessionMiddleware.cookie, secret, path: "/board", maxAge: policy.sessionHours * 3600,
                request: request))
        response.setCookie(Board.cookie(Self.loginCookie, "", path: formCookiePath, maxAge: 0, request: request))
        return response
    }

    func clientAddress(_ request: Request, _ context: TriageRequestContext) -> String {
        clientAddresses.of(request, peer: context.peerAddress)
    }

    // MARK: The first start

    struct SetupPage {
        var chrome: Chrome
        var csrf: String
        var code: String
        var login: String
        var displayName: String
        var email: String
        var minimumLength: Int
    }

    private func setupPage(
        code: String, form: WebForm? = nil, error: String? = nil, status: HTTPResponse.Status = .ok,
        request: Request
    ) async throws -> Response {
        let csrf = try await coordinator.accounts.loginFormToken()
        var chrome = Chrome(session: nil, clock: clock())
        chrome.error = error
        let page = SetupPage(
            chrome: chrome, csrf: csrf, code: code, login: form?["login"] ?? "", displayName: form?["displayName"] ?? "",
            email: form?["email"] ?? "", minimumLength: coordinator.accounts.policy.minimumPasswordLength)
        var response = pages.render("setup", page, status: status)
        response.setCookie(Board.cookie(Self.loginCookie, csrf, path: "/setup", maxAge: 3600, request: request))
        return response
    }

    /// Creates the first admin from the printed code and signs them in.
    private func setUp(_ request: Request, _ context: TriageRequestContext) async throws -> Response {
        guard let expected = request.cookies[Self.loginCookie]?.value, try await coordinator.accounts.isValidLoginFormToken(expected) else {
            throw CoordinatorError(.forbidden, "the setup form had expired (or cookies are off): open the setup link again")
        }
        let form = try await WebForm(request, limit: Self.loginBodyLimit)
        try form.requireCSRF(expected)
        let code = try form.required("code")
        let password = try form.required("password")
        guard password == form["confirm"] else {
            return try await setupPage(
                code: code, form: form, error: "The two passwords differ.", status: .unprocessableContent,
                request: request)
        }
        do {
            let email = form["email"].flatMap { $0.isEmpty ? nil : $0 }
            let displayName = form["displayName"].flatMap { $0.isEmpty ? nil : $0 }
            let admin = try await coordinator.accounts.setUp(
                code: code, UserInput(login: try form.required("login"), displayName: displayName, email: email, role: .admin),
                password: password)
            guard
                case .signedIn(let secret, _) = try await coordinator.accounts.signIn(
                    login: admin.login, password: password, from: clientAddress(request, context), hours: policy.sessionHours)
            else { return Pages.redirect(to: "/board/login") }
            return signedIn(secret, going: "/board", request: request, formCookiePath: "/setup")
        } catch let error as CoordinatorError where error.code == .invalid || error.code == .conflict {
            return try await setupPage(
                code: code, form: form, error: "Not set up: \(error.message).", status: error.code.httpStatus,
                request: request)
        }
    }
}
