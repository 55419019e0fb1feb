import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/alerts (admins; docs/alertmanager.md): the hosts Alertmanager's alerts name that no
/// host of the inventory answers to, each with a form that maps it to one — its next alerts go there.
struct AlertHostsPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/alerts") { request, context in
            let mapped = Query(request).string("mapped")
            return try await page(try context.boardSession(), notice: mapped.map { "Alerts naming \($0) now go to that host." })
        }
        signedIn.post("/alerts/map") { request, context in
            let session = try context.boardSession()
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            try Access.manageInventory(session.principal)
            let value = try form.required("value")
            do {
                let host = try await coordinator.inventory.hostId(named: try form.required("host"))
                try await coordinator.alerts.map(value, toHost: host, by: session.principal)
            } catch let error as CoordinatorError where error.code == .notFound || error.code == .invalid || error.code == .conflict {
                return try await page(session, error: "\(value) not mapped: \(error.message)", status: error.code.httpStatus)
            }
            return Pages.redirect(to: "/board/alerts?mapped=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        }
    }

    private func page(_ session: WebSession, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        var chrome = Chrome(session: session, clock: clock())
        (chrome.notice, chrome.error) = (notice, error)
        let clock = clock()
        let unknown = try await coordinator.alerts.unmapped(by: session.principal)
        let view = AlertHostsView(
            chrome: chrome,
            hosts: unknown.enumerated().map { index, host in
                AlertHostsView.Line(
                    index: index, value: host.value, alertname: host.alertname, count: host.count, lastSeen: clock.dayTime(host.lastSeen))
            },
            empty: unknown.isEmpty)
        return pages.render("alerts", view, status: status)
    }

    private struct AlertHostsView {
        struct Line {
            var index: Int
            var value: String
            var alertname: String
            var count: Int
            var lastSeen: String
        }

        var chrome: Chrome
        var hosts: [Line]
        var empty: Bool
    }
}
