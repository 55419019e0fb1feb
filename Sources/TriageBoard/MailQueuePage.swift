import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// /board/mail (the desk): mail from senders no customer knows, held until someone opens a
/// ticket of a customer from it (the sender becoming their contact) or discards it
/// (docs/mail.md, "Mail in"). The same operations as the API's quarantine routes.
struct MailQueuePage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/mail") { request, context in
            try await mailQueuePage(try context.boardSession(), notice: Query(request).string("done"))
        }
        for (name, verb) in [("release", "opened a ticket from"), ("discard", "discarded")] {
            signedIn.post("/mail/{id}/\(name)") { request, context in
                let (id, session) = (try Query.id(context), try context.boardSession())
                let form = try await WebForm(request, limit: bodyLimit)
                try form.requireCSRF(session.csrf)
                do {
                    let held = try await coordinator.write { store in
                        name == "release"
                            ? try await coordinator.mail.release(
                                id, toCustomer: try form.int("customerId"), by: session.principal, in: store)
                            : try await coordinator.mail.discard(id, by: session.principal, in: store)
                    }
                    if let ticket = held.ticketId { return Pages.redirect(to: "/board/tickets/\(ticket)") }
                    return Pages.redirect(to: "/board/mail?done=\(verb.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
                } catch let error as CoordinatorError where [.invalid, .conflict].contains(error.code) {
                    return try await mailQueuePage(session, error: error.message, status: error.code.httpStatus)
                }
            }
        }
    }

    private struct MailQueueView {
        struct Held {
            var id: Int
            var sender: String
            var subject: String
            var received: String
            var why: String
            var excerpt: String
            var files: String?
        }

        var chrome: Chrome
        var held: [Held]
        var customers: [BoardView.Option]
    }

    private func mailQueuePage(
        _ session: WebSession, notice: String? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let clock = clock()
        let held = try await coordinator.mail.quarantineToRead(limit: 200, by: session.principal)
        let customers = try await coordinator.inventory.records(CustomerFields.self, after: nil, limit: 500, by: session.principal).items
        var chrome = Chrome(session: session, clock: clock)
        (chrome.error, chrome.notice) = (error, notice.map { "Message \($0)." })
        let view = MailQueueView(
            chrome: chrome,
            held: held.map { read in
                let mail = read.mail
                let sender = mail.sender ?? "(no sender)"
                return MailQueueView.Held(
                    id: mail.id, sender: read.fromName.map { "\($0) <\(sender)>" } ?? sender,
                    subject: mail.subject.isEmpty ? "(no subject)" : mail.subject, received: clock.dayTime(mail.receivedAt),
                    why: mail.detail, excerpt: read.excerpt,
                    files: read.files.isEmpty ? nil : "Files: " + read.files.joined(separator: ", "))
            },
            customers: customers.map { BoardView.Option(value: "\($0.id)", label: $0.fields.name, selected: false) })
        return pages.render("mail", view, status: status)
    }
}
