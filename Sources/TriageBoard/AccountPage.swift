import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/account: one's own password, second factor and personal tokens. What is shown only
/// once (the authenticator key, the recovery codes, a new token) is rendered by the POST that made it.
struct AccountPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/account") { _, context in try await accountPage(try context.boardSession()) }
        signedIn.post("/account/password") { request, context in
            try await accountForm(request, context) { form, session in
                let password = try form.required("password")
                guard password == form["confirm"] else { throw CoordinatorError.invalid("confirm", "the two new passwords differ") }
                try await coordinator.accounts.setPassword(
                    of: session.user.id, to: password, current: form["current"] ?? "",
                    keeping: request.cookies[BoardSessionMiddleware.cookie]?.value,
                    keepTokens: form["keep_tokens"] != nil, by: session.principal)
                return AccountNews(
                    notice: "Password changed; your other sessions have ended"
                        + (form["keep_tokens"] != nil ? "." : " and your personal tokens are revoked."))
            }
        }
        signedIn.post("/account/second-factor/start") { request, context in
            try await accountForm(request, context) { form, session in
                AccountNews(enrolment: try await coordinator.accounts.startSecondFactor(password: form["password"], by: session.principal))
            }
        }
        signedIn.post("/account/second-factor/confirm") { request, context in
            try await accountForm(request, context) { form, session in
                let codes = try await coordinator.accounts.confirmSecondFactor(code: try form.required("code"), by: session.principal)
                return AccountNews(notice: "The authenticator app is set up: sign-in asks for its code from now on.", recoveryCodes: codes)
            }
        }
        signedIn.post("/account/second-factor/remove") { request, context in
            try await accountForm(request, context) { form, session in
                try await coordinator.accounts.removeSecondFactor(
                    of: session.user.id, password: form["password"] ?? "", by: session.principal)
                return AccountNews(notice: "The second factor is off.")
            }
        }
        signedIn.post("/account/tokens") { request, context in
            try await accountForm(request, context) { form, session in
                let (info, secret) = try await coordinator.credentials.issuePersonalToken(
                    name: try form.required("name"), by: session.principal)
                return AccountNews(notice: "Token \(info.name) made.", newToken: secret)
            }
        }
        signedIn.post("/account/tokens/{id}/revoke") { request, context in
            let id = try Query.id(context)
            return try await accountForm(request, context) { _, session in
                try await coordinator.credentials.revoke(id, by: session.principal)
                return AccountNews(notice: "Token \(id) revoked.")
            }
        }
    }

    /// What a form on the account page produced, shown on the page it renders.
    struct AccountNews {
        var notice: String?
        var enrolment: SecondFactorEnrolment?
        var recoveryCodes: [String]?
        var newToken: String?
    }

    /// CSRF first; a refusal the person can fix is shown on the page with the status it has.
    private func accountForm(
        _ request: Request, _ context: TriageRequestContext,
        _ change: (WebForm, WebSession) async throws -> AccountNews
    ) async throws -> Response {
        let session = try context.boardSession()
        let form = try await WebForm(request, limit: SignIn.loginBodyLimit)
        try form.requireCSRF(session.csrf)
        do {
            let news = try await change(form, session)
            // A password change may have ended this very session's siblings, not this one: read it again.
            let fresh =
                try await coordinator.accounts.webSession(secret: request.cookies[BoardSessionMiddleware.cookie]?.value ?? "") ?? session
            return try await accountPage(fresh, news: news)
        } catch let error as CoordinatorError where [.invalid, .conflict, .forbidden, .notFound, .tooManyRequests].contains(error.code) {
            // Each problem next to its field, and what was typed kept (never a password).
            return try await FormRetry.$current.withValue(FormRetry(form: request.uri.path, typed: form.all, problems: error.problems)) {
                try await accountPage(session, error: error.message, status: error.code.httpStatus)
            }
        }
    }

    private struct AccountView {
        struct TokenRow {
            var id: Int
            var name: String
            var created: String
            var revoked: String?
        }

        var chrome: Chrome
        var login: String
        var displayName: String
        var role: String
        var email: String?
        var minimumLength: Int
        var secondFactorOn: Bool
        var secondFactorRequired: Bool
        var enrolment: SecondFactorEnrolment?
        var recoveryCodes: [String]
        var tokens: [TokenRow]
        var newToken: String?
        /// Mustache reads stored properties only.
        var hasRecoveryCodes: Bool
        var hasTokens: Bool
        var errors = Errors()
        var tokenName = ""

        /// What was wrong with a refused form, next to its field.
        struct Errors {
            var current: String?, password: String?, confirm: String?, code: String?, remove: String?, replace: String?, token: String?

            init(_ retry: FormRetry? = nil) {
                guard let retry else { return }
                switch retry.form {
                case "/board/account/password":
                    (current, password, confirm) = (retry.problem("current"), retry.problem("password"), retry.problem("confirm"))
                case "/board/account/second-factor/confirm": code = retry.problem("code")
                case "/board/account/second-factor/remove": remove = retry.problem("password")
                case "/board/account/second-factor/start": replace = retry.problem("password")
                case "/board/account/tokens": token = retry.problem("name")
                default: break
                }
            }
        }
    }

    func accountPage(
        _ session: WebSession, news: AccountNews = AccountNews(), error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let clock = clock()
        var chrome = Chrome(session: session, clock: clock)
        chrome.notice =
            news.notice
            ?? (session.mustAddSecondFactor
                ? "Your role signs in with a second factor: set up an authenticator app below to open the board." : nil)
        chrome.error = error
        let tokens = try await coordinator.credentials.personalTokens(by: session.principal).map {
            AccountView.TokenRow(id: $0.id, name: $0.name, created: clock.dayTime($0.createdAt), revoked: $0.revokedAt.map(clock.dayTime))
        }
        let user = session.user
        let view = AccountView(
            chrome: chrome, login: user.login, displayName: user.displayName, role: user.role.rawValue, email: user.email,
            minimumLength: coordinator.accounts.policy.minimumPasswordLength, secondFactorOn: user.totpEnabled,
            secondFactorRequired: session.mustAddSecondFactor, enrolment: news.enrolment, recoveryCodes: news.recoveryCodes ?? [],
            tokens: tokens, newToken: news.newToken, hasRecoveryCodes: !(news.recoveryCodes ?? []).isEmpty, hasTokens: !tokens.isEmpty,
            errors: AccountView.Errors(FormRetry.current), tokenName: FormRetry.of("/board/account/tokens")?.typed["name"] ?? "")
        return pages.render("account", view, status: status)
    }
}
