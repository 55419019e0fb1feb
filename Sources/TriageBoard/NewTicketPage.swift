import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// Taking a call (/board/tickets/new, the desk): find the customer by name, a contact's name,
/// email or phone, or a host's name; read their card; open the ticket. The ticket's page then
/// says whom assignment chose and why.
struct NewTicketPage: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/tickets/new") { request, context in
            let session = try context.boardSession()
            try Access.createTicket(session.principal)
            let query = Query(request)
            return try await newTicketPage(session, text: query.string("q") ?? "", customer: try query.int("customer", 1...Int.max))
        }
        signedIn.post("/tickets") { request, context in
            let session = try context.boardSession()
            try Access.createTicket(session.principal)
            let form = try await WebForm(request, limit: bodyLimit)
            try form.requireCSRF(session.csrf)
            let customer = try form.optionalInt("customerId")
            do {
                var input = TicketInput(
                    title: form["title"] ?? "", severity: try form.optionalInt("severity"),
                    channel: TicketChannel(rawValue: form["channel"] ?? ""),
                    customerId: customer, hostId: try form.optionalInt("hostId"), description: form.text("description"),
                    tags: form["tags"].map(WebForm.words))
                // A caller typed in counts as someone new even when the radio button was not ticked.
                let typedCaller = form.text("contactName") != nil && (form["requester"] ?? "").isEmpty
                switch typedCaller ? "new" : form["requester"] {
                case "new"?:
                    input.requester = NewContact(
                        name: form["contactName"] ?? "", email: form.text("contactEmail"), phone: form.text("contactPhone"))
                case let id? where !id.isEmpty: input.requesterId = try form.int("requester")
                default: break
                }
                input.cc = form.text("cc").map(WebForm.addresses)
                let filled = input
                let ticket = try await coordinator.write { try await coordinator.tickets.create(filled, by: session.principal, in: $0) }
                return Pages.redirect(to: "/board/tickets/\(ticket.id)?opened=1")
            } catch let error as CoordinatorError where error.code == .invalid {
                // The form again as it was filled in, each problem next to its field.
                return try await newTicketPage(
                    session, text: "", customer: customer, error: "Not opened: \(error.message)",
                    retry: FormRetry(form: "new-ticket", typed: form.all, problems: error.problems),
                    status: .unprocessableContent)
            }
        }
    }

    private struct NewTicketView {
        struct Found {
            var id: Int
            var name: String
            var selected: Bool
        }

        struct Line {
            var id: Int
            var title: String
            var status: String
            var severity: Int
            var sla: String
            var requester: String?
        }

        struct HostLine {
            var id: Int
            var name: String
            var status: String
            /// For the stylesheet: one word ("no-reports").
            var statusClass: String
            var alerts: [String]
        }

        struct Person {
            var id: Int
            var name: String
            var email: String?
            var phone: String?
            var undeliverable: String?
            var chosen: Bool
            /// Their open tickets.
            var asked: [Line]
        }

        var chrome: Chrome
        var text: String
        var found: [Found]
        var searched: Bool
        var customerId: Int?
        var customerName: String?
        var contacts: [Person]
        var openTickets: [Line]
        var recentTickets: [Line]
        var hosts: [HostLine]
        var severities: [BoardView.Option]
        var channels: [BoardView.Option]
        var hostChoices: [BoardView.Option]
        var hasCustomer: Bool
        /// What was typed, when a refused form is shown again, and what is wrong with each field.
        var title: String
        var description: String
        var tags: String
        var cc: String
        var newContact: Bool
        var contactName: String
        var contactEmail: String
        var contactPhone: String
        var errors: Errors

        struct Errors {
            var requester: String?
            var cc: String?
            var title: String?
            var description: String?
            var severity: String?
            var host: String?
            var tags: String?
        }
    }

    private func newTicketPage(
        _ session: WebSession, text: String, customer: Int?, error: String? = nil, retry: FormRetry? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let typed = retry?.typed ?? [:]
        let principal = session.principal
        var chrome = Chrome(session: session, clock: clock())
        chrome.error = error
        let found = text.isEmpty ? [] : try await coordinator.inventory.findCustomers(text, by: principal)
        var card: CustomerCard?
        if let customer { card = try await coordinator.inventory.customerCard(customer, by: principal) }
        let people = Dictionary((card?.contacts ?? []).map { ($0.id, $0.fields.name) }, uniquingKeysWith: { first, _ in first })
        func line(_ ticket: Ticket, _ sla: String) -> NewTicketView.Line {
            NewTicketView.Line(
                id: ticket.id, title: ticket.title, status: ticket.status.rawValue.replacingOccurrences(of: "_", with: " "),
                severity: ticket.severity, sla: sla, requester: ticket.requesterId.flatMap { people[$0] })
        }
        let promises = card?.promises ?? (1...4).map { "S\($0)" }
        let view = NewTicketView(
            chrome: chrome, text: text,
            found: found.map { NewTicketView.Found(id: $0.id, name: $0.fields.name, selected: $0.id == customer) },
            searched: !text.isEmpty, customerId: card?.customer.id, customerName: card?.customer.fields.name,
            contacts: card?.contacts.map { contact in
                NewTicketView.Person(
                    id: contact.id, name: contact.fields.name, email: contact.fields.email, phone: contact.fields.phone,
                    undeliverable: contact.fields.undeliverable, chosen: typed["requester"] == "\(contact.id)",
                    asked: card?.openTickets.filter { $0.requesterId == contact.id }.map { line($0, "open") } ?? [])
            } ?? [],
            openTickets: card?.openTickets.map { line($0, "open") } ?? [],
            recentTickets: card?.recentTickets.map { past in
                line(past.ticket, past.metSLA.map { $0 ? "met its SLA" : "missed its SLA" } ?? "open")
            } ?? [],
            hosts: card?.hosts.map { line in
                NewTicketView.HostLine(
                    id: line.host.id, name: line.host.fields.name, status: line.status?.rawValue ?? "no reports",
                    statusClass: line.status?.rawValue ?? "no-reports",
                    alerts: line.alerts.map { "\($0.plugin) \($0.item): \($0.status.rawValue) — \($0.summary)" })
            } ?? [],
            severities: promises.enumerated().map { index, promise in
                BoardView.Option(
                    value: "\(index + 1)", label: promise, selected: typed["severity"].map { $0 == "\(index + 1)" } ?? (index == 2))
            },
            channels: TicketChannel.allCases.filter { $0 != .agent }.map {
                BoardView.Option(
                    value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == (typed["channel"] ?? TicketChannel.phone.rawValue))
            },
            hostChoices: (card?.hosts ?? []).map {
                BoardView.Option(value: "\($0.host.id)", label: $0.host.fields.name, selected: typed["hostId"] == "\($0.host.id)")
            },
            hasCustomer: card != nil, title: typed["title"] ?? "", description: typed["description"] ?? "", tags: typed["tags"] ?? "",
            cc: typed["cc"] ?? "", newContact: typed["requester"] == "new", contactName: typed["contactName"] ?? "",
            contactEmail: typed["contactEmail"] ?? "", contactPhone: typed["contactPhone"] ?? "",
            errors: .init(
                requester: retry?.problem("requester", "requesterId", "name", "email", "phone"), cc: retry?.problem("cc"),
                title: retry?.problem("title"), description: retry?.problem("description"), severity: retry?.problem("severity", "tier"),
                host: retry?.problem("hostId", "customerId"), tags: retry?.problem("tags")))
        return pages.render("newticket", view, status: status)
    }
}
