import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/notifications (docs/notifications.md): one's notifications, newest first, each linking
/// to its ticket (opening the ticket marks them read); "mark all read"; and one's choices — per
/// kind in Triage and by mail, quiet hours, the digest's time. `/board/notifications/unread` is
/// the bell's count for live.js.
struct NotificationsPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/notifications") { request, context in
            let query = Query(request)
            return try await page(
                try context.boardSession(), before: try query.cursor, unreadOnly: query.string("unread") == "1",
                notice: query.string("saved") == nil ? nil : "Your choices are saved.")
        }
        signedIn.get("/notifications/unread") { _, context in
            JSONBody.response(Unread(unread: try await coordinator.notifications.unread(by: try context.boardSession().principal)))
        }
        signedIn.post("/notifications/read") { request, context in
            let session = try context.boardSession()
            try await WebForm(request, limit: bodyLimit).requireCSRF(session.csrf)
            _ = try await coordinator.notifications.markRead(ids: nil, by: session.principal)
            return Pages.redirect(to: "/board/notifications")
        }
        signedIn.post("/notifications/settings") { request, context in
            let session = try context.boardSession()
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let settings = Self.settings(from: form, role: session.principal.role)
            do {
                _ = try await coordinator.notifications.saveSettings(settings, by: session.principal)
            } catch let error as CoordinatorError where error.code == .invalid {
                return try await page(session, typed: settings, error: error.message, status: error.code.httpStatus)
            }
            return Pages.redirect(to: "/board/notifications?saved=1#settings")
        }
    }

    struct Unread: Encodable { var unread: Int }

    /// The form as the page renders it: `inapp_<kind>` checkboxes, `email_<kind>` choices, the times.
    static func settings(from form: WebForm, role: Role) -> NotificationSettings {
        var settings = NotificationSettings()
        for kind in NotificationKind.kinds(for: role) {
            let email = form["email_\(kind.rawValue)"].flatMap(EmailChoice.init(rawValue:)) ?? .off
            settings.kinds[kind] = NotificationSettings.Choice(inApp: form["inapp_\(kind.rawValue)"] == "on", email: email)
        }
        func time(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        (settings.quietFrom, settings.quietTo) = (time("quiet_from"), time("quiet_to"))
        settings.digestAt = time("digest_at") ?? settings.digestAt
        settings.timeZone = time("time_zone")
        return settings
    }

    private func page(
        _ session: WebSession, before: Int? = nil, unreadOnly: Bool = false, typed: NotificationSettings? = nil, notice: String? = nil,
        error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var chrome = Chrome(session: session, clock: clock())
        (chrome.notice, chrome.error) = (notice, error)
        let principal = session.principal
        let list = try await coordinator.notifications.list(unreadOnly: unreadOnly, before: before, limit: 50, by: principal)
        let settings: NotificationSettings
        if let typed { settings = typed } else { settings = try await coordinator.notifications.settings(by: principal) }
        let clock = clock()
        let view = NotificationsView(
            chrome: chrome,
            items: list.items.map {
                NotificationsView.Item(
                    id: $0.id, ticketId: $0.ticketId, title: $0.title, severity: $0.severity, text: $0.text,
                    kind: NotificationMail.subjectWords($0.kind), when: clock.dayTime($0.at), unread: $0.readAt == nil)
            },
            empty: list.items.isEmpty, unreadOnly: unreadOnly,
            older: list.nextCursor.map { "/board/notifications?cursor=\($0)" + (unreadOnly ? "&unread=1" : "") },
            mails: coordinator.mail.sends,
            kinds: NotificationKind.kinds(for: principal.role).map { kind in
                let choice = settings.choice(kind)
                return NotificationsView.Kind(
                    kind: kind.rawValue, words: kind.words, inApp: choice.inApp,
                    emails: EmailChoice.allCases.map {
                        NotificationsView.Option(value: $0.rawValue, label: Self.label($0), selected: $0 == choice.email)
                    })
            },
            quietFrom: settings.quietFrom ?? "", quietTo: settings.quietTo ?? "", digestAt: settings.digestAt,
            timeZone: settings.timeZone ?? "")
        return pages.render("notifications", view, status: status)
    }

    private static func label(_ choice: EmailChoice) -> String {
        switch choice {
        case .off: "no mail"
        case .now: "mail at once"
        case .digest: "in the daily digest"
        }
    }

    private struct NotificationsView {
        struct Item {
            var id: Int
            var ticketId: Int
            var title: String
            var severity: Int
            var text: String
            var kind: String
            var when: String
            var unread: Bool
        }

        struct Option {
            var value: String
            var label: String
            var selected: Bool
        }

        struct Kind {
            var kind: String
            var words: String
            var inApp: Bool
            var emails: [Option]
        }

        var chrome: Chrome
        var items: [Item]
        var empty: Bool
        var unreadOnly: Bool
        var older: String?
        var mails: Bool
        var kinds: [Kind]
        var quietFrom: String
        var quietTo: String
        var digestAt: String
        var timeZone: String
    }
}
