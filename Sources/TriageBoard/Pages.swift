import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import TriageDomain
import TriageEdge

/// The board's templates, parsed once at start (a broken template stops the server from
/// starting rather than failing one page), and the headers every page carries.
struct Pages: Sendable {
    private let library: MustacheLibrary
    /// Each template's source, for `TemplateCheck` in debug builds.
    let sources: [String: String]
    /// The templates parsed once, to check each page's model against (debug builds).
    private let checker: TemplateCheck

    init() throws {
        var library = MustacheLibrary()
        let templates: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
            ("error", PackageResources.error_mustache), ("card", PackageResources.card_mustache),
            ("board", PackageResources.board_mustache), ("ticket", PackageResources.ticket_mustache),
            ("setup", PackageResources.setup_mustache), ("code", PackageResources.code_mustache),
            ("account", PackageResources.account_mustache),
            ("users", PackageResources.users_mustache), ("actions", PackageResources.actions_mustache),
            ("reply", PackageResources.reply_mustache), ("mail", PackageResources.mail_mustache),
            ("newticket", PackageResources.newticket_mustache), ("mywork", PackageResources.mywork_mustache),
            ("queues", PackageResources.queues_mustache), ("record", PackageResources.record_mustache),
            ("search", PackageResources.search_mustache), ("bulk", PackageResources.bulk_mustache),
            ("time", PackageResources.time_mustache), ("replies", PackageResources.replies_mustache),
            ("visit", PackageResources.visit_mustache), ("notifications", PackageResources.notifications_mustache),
            ("webhooks", PackageResources.webhooks_mustache), ("webhook", PackageResources.webhook_mustache),
            ("alerts", PackageResources.alerts_mustache),
        ]
        for (name, bytes) in templates { try library.register(String(decoding: bytes, as: UTF8.self), named: name) }
        self.library = library
        sources = Dictionary(uniqueKeysWithValues: templates.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) })
        checker = TemplateCheck(sources: sources)
    }

    /// Scripts, styles and the live stream come only from this server (no inline script), forms
    /// post only here, and no other site may frame the board.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
        + "style-src-attr 'unsafe-inline'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func render(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        #if DEBUG
            // Debug builds (every test) hold each page to its template: a name the model lacks is a 500.
            let check = checker.check(template, model)
            TemplateCoverage.shared.note(check)
            if !check.missing.isEmpty {
                return Response(
                    status: .internalServerError, headers: Self.headers(contentType: "text/plain; charset=utf-8"),
                    body: .init(byteBuffer: ByteBuffer(string: "names the model lacks: " + check.missing.joined(separator: ", "))))
            }
        #endif
        let html = library.render(model, withTemplate: template) ?? "template \(template) is missing"
        return Response(
            status: status, headers: Self.headers(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func stylesheet() -> Response { asset(PackageResources.board_css, type: "text/css; charset=utf-8") }

    /// The live pages' script (`live.js`).
    static func script() -> Response { asset(PackageResources.live_js, type: "text/javascript; charset=utf-8") }

    /// Every signed-in page's scripts: the keyboard (`keys.js`), the reply texts (`compose.js`).
    static func script(_ bytes: [UInt8]) -> Response { asset(bytes, type: "text/javascript; charset=utf-8") }

    private static func asset(_ bytes: [UInt8], type: String) -> Response {
        var headers = headers(contentType: type)
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// 303 See Other: after a form, the browser GETs the page it lands on.
    static func redirect(to location: String) -> Response {
        var headers = headers(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    private static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType, .cacheControl: "no-store", .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
    }
}

/// What every page has around its body: who is logged in, the time, the form token, messages.
struct Chrome {
    var user: String?
    var role: String?
    /// The header links to the people page.
    var admin: Bool
    /// The header links to a new ticket.
    var desk: Bool
    /// The header links to My work.
    var technician: Bool
    var csrf: String?
    var nowISO: String
    var nowText: String
    var zone: String
    /// nil: the page does not reload itself.
    var refreshSeconds: Int?
    var notice: String?
    var error: String?
    /// A live page: "all" (any ticket's change) or a ticket's id; nil: not live.
    var liveScope: String?
    /// Where live.js reads the page again.
    var liveURL: String?
    /// What the header's search box holds.
    var search = ""
    /// The bell's count of unread notifications; nil when there are none.
    var unread: Int?

    init(session: WebSession?, clock: BoardClock, refreshSeconds: Int? = nil) {
        user = session?.user.displayName
        role = session?.principal.role.rawValue
        admin = session?.principal.role == .admin
        desk = session?.principal.role == .admin || session?.principal.role == .dispatcher
        technician = session?.principal.technicianId != nil
        csrf = session?.csrf
        nowISO = BoardClock.iso(clock.now)
        nowText = clock.dayTime(clock.now)
        zone = clock.zone.identifier
        self.refreshSeconds = refreshSeconds.flatMap { $0 > 0 ? $0 : nil }
        unread = session.flatMap { $0.unread > 0 ? $0.unread : nil }
    }

    /// Makes the page live: it follows `scope` ("all" or a ticket's id) and re-reads `url`.
    func live(_ scope: String, url: String) -> Chrome {
        var chrome = self
        (chrome.liveScope, chrome.liveURL) = (scope, url)
        return chrome
    }
}

/// An error as a page: the heading, what went wrong, and where to go from here.
struct ErrorPage {
    var chrome: Chrome
    var heading: String
    var message: String
    var back = "/board"
    var backText = "Back to the board"
}
