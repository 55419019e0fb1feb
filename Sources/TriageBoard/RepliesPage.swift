import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// /board/replies: the reply texts one keeps, and the desk's shared ones (docs/board.md,
/// "Canned replies"): add one, delete one. The ticket page's reply box inserts them filled in.
struct RepliesPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/replies") { request, context in
            try await page(try context.boardSession(), notice: Query(request).string("saved") == nil ? nil : "Saved.")
        }
        signedIn.post("/replies") { request, context in
            let session = try context.boardSession()
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            do {
                _ = try await coordinator.tickets.saveCannedReply(
                    name: form["name"] ?? "", body: form["body"] ?? "", shared: form["shared"] == "on", by: session.principal)
            } catch let error as CoordinatorError where error.code == .invalid {
                return try await page(
                    session, error: error.message, typed: (form["name"] ?? "", form["body"] ?? ""), status: error.code.httpStatus)
            }
            return Pages.redirect(to: "/board/replies?saved=1")
        }
        signedIn.post("/replies/{id}/delete") { request, context in
            let session = try context.boardSession()
            try await WebForm(request, limit: bodyLimit).requireCSRF(session.csrf)
            try await coordinator.tickets.deleteCannedReply(try Query.id(context), by: session.principal)
            return Pages.redirect(to: "/board/replies")
        }
    }

    private func page(
        _ session: WebSession, notice: String? = nil, error: String? = nil, typed: (String, String) = ("", ""),
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var chrome = Chrome(session: session, clock: clock())
        (chrome.notice, chrome.error) = (notice, error)
        let desk = session.principal.role == .admin || session.principal.role == .dispatcher
        let replies = try await coordinator.tickets.cannedReplies(by: session.principal)
        let view = RepliesView(
            chrome: chrome,
            replies: replies.map {
                RepliesView.Line(id: $0.id, name: $0.name, body: $0.body, shared: $0.shared, deletable: !$0.shared || desk)
            },
            hasReplies: !replies.isEmpty, canShare: desk, name: typed.0, body: typed.1,
            placeholders: CannedReply.placeholders.map { RepliesView.Placeholder(code: $0.0, means: $0.1) })
        return pages.render("replies", view, status: status)
    }

    private struct RepliesView {
        struct Line {
            var id: Int
            var name: String
            var body: String
            var shared: Bool
            var deletable: Bool
        }

        struct Placeholder {
            var code: String
            var means: String
        }

        var chrome: Chrome
        var replies: [Line]
        var hasReplies: Bool
        var canShare: Bool
        var name: String
        var body: String
        var placeholders: [Placeholder]
    }
}
