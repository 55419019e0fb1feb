import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/users (admins): the accounts — make one, disable or enable it, set a new password,
/// turn off a lost second factor — and every API token, with agent tokens made here too.
struct UsersPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/users") { _, context in
            let session = try context.boardSession()
            try Access.manageAccounts(session.principal)
            return try await usersPage(session)
        }
        signedIn.post("/users") { request, context in
            try await usersForm(request, context) { form, session in
                let input = UserInput(
                    login: try form.required("login"), displayName: form.text("displayName"), email: form.text("email"),
                    role: try form.role("role"), technicianId: try form.optionalInt("technicianId"))
                let user = try await coordinator.accounts.create(input, password: try form.required("password"), by: session.principal)
                return UsersNews(notice: "\(user.login) can sign in now.")
            }
        }
        signedIn.post("/users/{id}/active") { request, context in
            let id = try Query.id(context)
            return try await usersForm(request, context) { form, session in
                let user = try await coordinator.accounts.setActive(id, form["active"] == "true", by: session.principal)
                return UsersNews(notice: "\(user.login) is \(user.active ? "enabled" : "disabled").")
            }
        }
        signedIn.post("/users/{id}/password") { request, context in
            let id = try Query.id(context)
            return try await usersForm(request, context) { form, session in
                try await coordinator.accounts.setPassword(of: id, to: try form.required("password"), current: nil, by: session.principal)
                return UsersNews(notice: "Password of user \(id) set; their sessions have ended.")
            }
        }
        signedIn.post("/users/{id}/second-factor/remove") { request, context in
            let id = try Query.id(context)
            return try await usersForm(request, context) { _, session in
                try await coordinator.accounts.removeSecondFactor(of: id, password: nil, by: session.principal)
                return UsersNews(notice: "Second factor of user \(id) turned off.")
            }
        }
        signedIn.post("/users/agent-tokens") { request, context in
            try await usersForm(request, context) { form, session in
                let host = try await coordinator.inventory.hostId(named: try form.required("host"))
                let (info, secret) = try await coordinator.credentials.issueToken(
                    name: try form.required("name"), role: .agent, hostId: host)
                return UsersNews(notice: "Agent token \(info.name) made for host \(host).", newToken: secret)
            }
        }
        signedIn.post("/users/tokens/{id}/revoke") { request, context in
            let id = try Query.id(context)
            return try await usersForm(request, context) { _, session in
                try await coordinator.credentials.revoke(id, by: session.principal)
                return UsersNews(notice: "Token \(id) revoked.")
            }
        }
    }

    struct UsersNews {
        var notice: String?
        var newToken: String?
    }

    /// Admins only (403 before the form is read), CSRF next; a refusal is shown on the page.
    private func usersForm(
        _ request: Request, _ context: TriageRequestContext,
        _ change: (WebForm, WebSession) async throws -> UsersNews
    ) async throws -> Response {
        let session = try context.boardSession()
        try Access.manageAccounts(session.principal)
        let form = try await WebForm(request, limit: bodyLimit)
        try form.requireCSRF(session.csrf)
        do {
            return try await usersPage(session, news: try await change(form, session))
        } catch let error as CoordinatorError where [.invalid, .conflict, .notFound].contains(error.code) {
            // The form again as it was filled in (never a password), each problem next to its field.
            return try await FormRetry.$current.withValue(FormRetry(form: request.uri.path, typed: form.all, problems: error.problems)) {
                try await usersPage(session, error: error.message, status: error.code.httpStatus)
            }
        }
    }

    private struct UsersView {
        struct Row {
            var id: Int
            var login: String
            var displayName: String
            var role: String
            var email: String?
            var technicianId: Int?
            var active: Bool
            var secondFactor: Bool
            var activeLabel: String
            var nextActive: String
        }

        struct TokenRow {
            var id: Int
            var name: String
            var role: String
            var owner: String
            var revoked: Bool
        }

        var chrome: Chrome
        var users: [Row]
        var tokens: [TokenRow]
        var newToken: String?
        var minimumLength: Int
        var newUser = NewUser()
        var agent = Agent()

        /// What was typed into a refused form, and what was wrong, next to its field.
        struct NewUser {
            var login = "", displayName = "", email = "", technicianId = ""
            var roles = ["technician", "dispatcher", "admin"].map { BoardView.Option(value: $0, label: $0, selected: $0 == "technician") }
            var loginError: String?, emailError: String?, roleError: String?, technicianError: String?, passwordError: String?

            init(_ retry: FormRetry? = nil) {
                guard let retry else { return }
                let typed = retry.typed
                (login, displayName, email, technicianId) = (
                    typed["login"] ?? "", typed["displayName"] ?? "", typed["email"] ?? "", typed["technicianId"] ?? ""
                )
                roles = roles.map { BoardView.Option(value: $0.value, label: $0.label, selected: $0.value == typed["role"]) }
                (loginError, emailError, roleError) = (retry.problem("login", "displayName"), retry.problem("email"), retry.problem("role"))
                (technicianError, passwordError) = (retry.problem("technicianId"), retry.problem("password"))
            }
        }

        struct Agent {
            var name = "", host = ""
            var error: String?

            init(_ retry: FormRetry? = nil) {
                guard let retry else { return }
                (name, host, error) = (retry.typed["name"] ?? "", retry.typed["host"] ?? "", retry.problem("name", "host"))
            }
        }
    }

    private func usersPage(
        _ session: WebSession, news: UsersNews = UsersNews(), error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var chrome = Chrome(session: session, clock: clock())
        chrome.notice = news.notice
        chrome.error = error
        let users = try await coordinator.accounts.users(by: session.principal)
        let logins = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.login) })
        let rows = users.map {
            UsersView.Row(
                id: $0.id, login: $0.login, displayName: $0.displayName, role: $0.role.rawValue, email: $0.email,
                technicianId: $0.technicianId, active: $0.active, secondFactor: $0.totpEnabled,
                activeLabel: $0.active ? "Disable" : "Enable", nextActive: $0.active ? "false" : "true")
        }
        let tokens = try await coordinator.credentials.tokens().map { token in
            UsersView.TokenRow(
                id: token.id, name: token.name, role: token.role.rawValue,
                owner: token.userId.flatMap { logins[$0] } ?? token.hostId.map { "host \($0)" } ?? "—",
                revoked: token.revokedAt != nil)
        }
        var view = UsersView(
            chrome: chrome, users: rows, tokens: tokens, newToken: news.newToken,
            minimumLength: coordinator.accounts.policy.minimumPasswordLength)
        view.newUser = UsersView.NewUser(FormRetry.of("/board/users"))
        view.agent = UsersView.Agent(FormRetry.of("/board/users/agent-tokens"))
        return pages.render("users", view, status: status)
    }
}
