import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/webhooks (admins; docs/webhooks.md): the endpoints signed events go to — add one (its
/// secret shown once), change, pause or delete it, rotate its secret, send a test event — and each
/// one's delivery log with status, duration and attempts, where a delivery can be sent again.
struct WebhooksPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        let webhooks = coordinator.webhooks
        signedIn.get("/webhooks") { _, context in try await listPage(try context.boardSession()) }
        signedIn.post("/webhooks") { request, context in
            let (session, form) = try await posted(request, context)
            let input = Self.input(form)
            do {
                let (endpoint, secret) = try await webhooks.create(input, by: session.principal)
                return try await endpointPage(endpoint.id, session, notice: "Webhook \(endpoint.id) added.", secret: secret)
            } catch let error as CoordinatorError where error.code == .invalid {
                return try await listPage(session, typed: input, error: error.message, status: error.code.httpStatus)
            }
        }
        signedIn.get("/webhooks/{id}") { request, context in
            let query = Query(request)
            let notice: String? =
                query.string("saved") != nil
                ? "Saved."
                : query.string("tested") != nil
                    ? "A test event is on its way."
                    : query.string("retired") != nil
                        ? "Only the newest secret signs now."
                        : query.string("redelivered") != nil ? "It goes again, with the same webhook-id." : nil
            return try await endpointPage(try Query.id(context), try context.boardSession(), notice: notice)
        }
        signedIn.post("/webhooks/{id}") { request, context in
            let id = try Query.id(context)
            let (session, form) = try await posted(request, context)
            var input = Self.input(form)
            input.enabled = form["enabled"] == "on"
            do {
                _ = try await webhooks.update(id, input, by: session.principal)
            } catch let error as CoordinatorError where error.code == .invalid {
                return try await endpointPage(id, session, error: error.message, status: error.code.httpStatus)
            }
            return Pages.redirect(to: "/board/webhooks/\(id)?saved=1")
        }
        signedIn.post("/webhooks/{id}/delete") { request, context in
            let (session, _) = try await posted(request, context)
            try await webhooks.delete(try Query.id(context), by: session.principal)
            return Pages.redirect(to: "/board/webhooks")
        }
        signedIn.post("/webhooks/{id}/test") { request, context in
            let (session, _) = try await posted(request, context)
            let id = try Query.id(context)
            _ = try await webhooks.sendTest(id, by: session.principal)
            return Pages.redirect(to: "/board/webhooks/\(id)?tested=1")
        }
        signedIn.post("/webhooks/{id}/secrets") { request, context in
            let (session, _) = try await posted(request, context)
            let (endpoint, secret) = try await webhooks.rotateSecret(try Query.id(context), by: session.principal)
            return try await endpointPage(
                endpoint.id, session, notice: "A new secret signs beside the old one until you retire the old.", secret: secret)
        }
        signedIn.post("/webhooks/{id}/secrets/retire") { request, context in
            let (session, _) = try await posted(request, context)
            let id = try Query.id(context)
            _ = try await webhooks.retireOldSecret(id, by: session.principal)
            return Pages.redirect(to: "/board/webhooks/\(id)?retired=1")
        }
        signedIn.post("/webhooks/{id}/deliveries/{deliveryId}/redeliver") { request, context in
            let (session, _) = try await posted(request, context)
            let id = try Query.id(context)
            _ = try await webhooks.redeliver(try Query.id(context, "deliveryId"), endpoint: id, by: session.principal)
            return Pages.redirect(to: "/board/webhooks/\(id)?redelivered=1")
        }
    }

    private func posted(_ request: Request, _ context: TriageRequestContext) async throws -> (WebSession, WebForm) {
        let session = try context.boardSession()
        let form = try await WebForm(request, limit: bodyLimit)
        try form.requireCSRF(session.csrf)
        try Access.manageWebhooks(session.principal)
        return (session, form)
    }

    /// `events` as the form has it: types separated by commas, spaces or lines; blank for all.
    static func input(_ form: WebForm) -> WebhookEndpointInput {
        let events = (form["events"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        return WebhookEndpointInput(url: form.text("url") ?? "", description: form["description"] ?? "", events: events)
    }

    private func listPage(
        _ session: WebSession, typed: WebhookEndpointInput? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        try Access.manageWebhooks(session.principal)
        var chrome = Chrome(session: session, clock: clock())
        chrome.error = error
        let clock = clock()
        let endpoints = try await coordinator.webhooks.endpoints(by: session.principal)
        let view = ListView(
            chrome: chrome,
            endpoints: endpoints.map {
                ListView.Line(
                    id: $0.id, url: $0.url, description: $0.description,
                    events: $0.events.isEmpty ? "every event" : $0.events.joined(separator: ", "),
                    state: $0.enabled ? "on" : "off: \($0.disabledReason ?? "disabled")", since: clock.dayTime($0.createdAt))
            },
            empty: endpoints.isEmpty, url: typed?.url ?? "", description: typed?.description ?? "",
            events: typed?.events?.joined(separator: ", ") ?? "", types: WebhookEvent.types.sorted().joined(separator: ", "))
        return pages.render("webhooks", view, status: status)
    }

    private func endpointPage(
        _ id: Int, _ session: WebSession, notice: String? = nil, secret: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = session.principal
        var chrome = Chrome(session: session, clock: clock())
        (chrome.notice, chrome.error) = (notice, error)
        let clock = clock()
        let endpoint = try await coordinator.webhooks.endpoint(id, by: principal)
        let log = try await coordinator.webhooks.deliveries(endpoint: id, before: nil, limit: 50, by: principal).items
        let view = EndpointView(
            chrome: chrome, id: endpoint.id, url: endpoint.url, description: endpoint.description,
            events: endpoint.events.joined(separator: ", "), enabled: endpoint.enabled, disabledReason: endpoint.disabledReason,
            secret: secret, secrets: endpoint.secrets.map { "\($0.hint) made \(clock.dayTime($0.createdAt))" },
            rotating: endpoint.secrets.count > 1,
            deliveries: log.map { delivery in
                EndpointView.Delivery(
                    id: delivery.id, endpointId: endpoint.id, messageId: delivery.messageId, type: delivery.type,
                    ticketId: delivery.ticketId,
                    state: delivery.state.rawValue, attempts: delivery.attempts,
                    status: delivery.lastStatus.map(String.init) ?? "—", duration: delivery.lastDurationMs.map { "\($0) ms" } ?? "—",
                    error: delivery.lastError, when: clock.dayTime(delivery.createdAt),
                    next: delivery.state == .retrying ? clock.dayTime(delivery.nextAttemptAt) : nil,
                    again: delivery.state == .delivered || delivery.state == .failed)
            },
            empty: log.isEmpty)
        return pages.render("webhook", view, status: status)
    }

    private struct ListView {
        struct Line {
            var id: Int
            var url: String
            var description: String
            var events: String
            var state: String
            var since: String
        }

        var chrome: Chrome
        var endpoints: [Line]
        var empty: Bool
        var url: String
        var description: String
        var events: String
        var types: String
    }

    private struct EndpointView {
        struct Delivery {
            var id: Int
            var endpointId: Int
            var messageId: String
            var type: String
            var ticketId: Int?
            var state: String
            var attempts: Int
            var status: String
            var duration: String
            var error: String?
            var when: String
            var next: String?
            var again: Bool
        }

        var chrome: Chrome
        var id: Int
        var url: String
        var description: String
        var events: String
        var enabled: Bool
        var disabledReason: String?
        var secret: String?
        var secrets: [String]
        var rotating: Bool
        var deliveries: [Delivery]
        var empty: Bool
    }
}
