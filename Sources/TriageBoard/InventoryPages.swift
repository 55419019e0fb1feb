import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// The inventory on the board: /board/inventory lists customers and technicians; a page per
/// customer (contacts, sites, hosts with their health, open tickets), site (opening hours, hosts),
/// host (parameters, vendor services, every item now and in its last reports) and technician
/// (skills, tier, shifts, absences). Everyone signed in reads them; admins add and change records
/// with forms that send the API's JSON through the same checks (`InventoryForms.swift`).
struct InventoryPages: BoardController, DrawsPages {
    let coordinator: Coordinator
    let pages: Pages
    let zone: TimeZone
    let bodyLimit: Int
    let bell: JobBell

    static let inventoryLimit = 1000
    static let itemHistoryReports = 10

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/inventory") { request, context in
            try await inventoryPage(try context.boardSession(), request)
        }
        signedIn.get("/customers/{id}") { request, context in
            try await customerPage(try Query.id(context), request, try context.boardSession())
        }
        signedIn.get("/sites/{id}") { request, context in try await sitePage(try Query.id(context), request, try context.boardSession()) }
        signedIn.get("/hosts/{id}") { request, context in try await hostPage(try Query.id(context), request, try context.boardSession()) }
        signedIn.get("/technicians/{id}") { request, context in
            try await technicianPage(try Query.id(context), request, try context.boardSession())
        }
        signedIn.post("/inventory/{kind}") { request, context in try await saveRecord(request, context, id: nil) }
        signedIn.post("/inventory/{kind}/{id}") { request, context in try await saveRecord(request, context, id: try Query.id(context)) }
        signedIn.post("/inventory/{kind}/{id}/delete") { request, context in try await deleteRecord(request, context) }
        signedIn.post("/hosts/{id}/diagnoses") { request, context in try await diagnoseHost(request, context) }
    }

    /// "Diagnose now" from a host's page: a job on one of its open tickets (the diagnosis is the
    /// ticket's), then that ticket's page, where the job's progress shows.
    private func diagnoseHost(_ request: Request, _ context: TriageRequestContext) async throws -> Response {
        let (id, session) = (try Query.id(context), try context.boardSession())
        let form = try await WebForm(request, limit: bodyLimit)
        try form.requireCSRF(session.csrf)
        do {
            let ticket = try form.int("ticket")
            _ = try await coordinator.write { tx in
                try await coordinator.jobs.request(
                    ticketId: ticket, checks: form["checks"].map(WebForm.words) ?? [], aboutHost: id,
                    by: session.principal, in: tx)
            }
            await bell.ring()
            return Pages.redirect(to: "/board/tickets/\(ticket)#diagnostics")
        } catch let error as CoordinatorError where [.invalid, .conflict, .forbidden, .notFound].contains(error.code) {
            return try await hostPage(id, request, session, error: "Not queued: \(error.message)", status: error.code.httpStatus)
        }
    }

    // MARK: Saving

    /// A post to an inventory form: the session, the kind of record, the form; after the CSRF token
    /// and the admin rule are checked.
    private func inventoryPost(_ request: Request, _ context: TriageRequestContext) async throws -> (WebSession, RecordKind, WebForm) {
        let session = try context.boardSession()
        guard let kind = context.parameters.get("kind").flatMap(RecordKind.init(rawValue:)) else {
            throw CoordinatorError(.notFound, "there is no such kind of record on the board")
        }
        let form = try await WebForm(request, limit: bodyLimit)
        try form.requireCSRF(session.csrf)
        try Access.manageInventory(session.principal)
        return (session, kind, form)
    }

    private func saveRecord(_ request: Request, _ context: TriageRequestContext, id: Int?) async throws -> Response {
        let (session, kind, form) = try await inventoryPost(request, context)
        do {
            let (json, unreadable) = try InventoryForm.of(kind).json(form)
            let saved =
                switch kind {
                case .customer: try await save(CustomerFields.self, json, unreadable, id: id, session)
                case .contact: try await save(ContactFields.self, json, unreadable, id: id, session)
                case .site: try await save(SiteFields.self, json, unreadable, id: id, session)
                case .host: try await save(HostFields.self, json, unreadable, id: id, session)
                case .technician: try await save(TechnicianFields.self, json, unreadable, id: id, session)
                }
            return Pages.redirect(to: "\(saved.page)?saved=\(kind.rawValue)\(saved.part.map { "#\($0)" } ?? "")")
        } catch let error as CoordinatorError where [.invalid, .conflict, .notFound, .badRequest].contains(error.code) {
            // The page the form was on, with the API's sentence on top, the form as it was filled
            // in and each problem next to its field.
            let message = "Not saved: \(error.message)"
            let status = error.code.httpStatus
            let retry = FormRetry(form: InventoryForm.formId(kind, id), typed: form.all, problems: error.problems)
            return try await FormRetry.$current.withValue(retry) {
                switch (kind, id) {
                case (_, let id?): return try await recordPage(kind, id, request, session, error: message, status: status)
                case (.contact, nil), (.site, nil):
                    return try await customerPage(try form.int("customerId"), request, session, error: message, status: status)
                case (.host, nil): return try await sitePage(try form.int("siteId"), request, session, error: message, status: status)
                default: return try await inventoryPage(session, request, error: message, status: status)
                }
            }
        }
    }

    /// Deletes a record that nothing refers to any more, then shows the page it belonged to; a
    /// record still in use stays, and its page says what uses it (the API's 409).
    private func deleteRecord(_ request: Request, _ context: TriageRequestContext) async throws -> Response {
        let id = try Query.id(context)
        let (session, kind, _) = try await inventoryPost(request, context)
        let principal = session.principal
        let parent =
            switch kind {
            case .contact:
                "/board/customers/\(try await coordinator.inventory.record(id, as: ContactFields.self, by: principal).fields.customerId)"
            case .site:
                "/board/customers/\(try await coordinator.inventory.record(id, as: SiteFields.self, by: principal).fields.customerId)"
            case .host: "/board/sites/\(try await coordinator.inventory.record(id, as: HostFields.self, by: principal).fields.siteId)"
            case .customer, .technician: "/board/inventory"
            }
        do {
            try await coordinator.write { try await coordinator.inventory.delete(kind, id, by: principal, in: $0) }
            return Pages.redirect(to: parent + "?deleted=\(kind.rawValue)")
        } catch let error as CoordinatorError where error.code == .conflict {
            return try await recordPage(kind, id, request, session, error: "Not deleted: \(error.message)", status: .conflict)
        }
    }

    /// Creates or replaces one record from the form's JSON; the page (and part of it) to go to next.
    private func save<F: InventoryFields & StrictInput>(
        _ type: F.Type, _ json: Data, _ unreadable: [CoordinatorError.FieldProblem],
        id: Int?, _ session: WebSession
    ) async throws -> (page: String, part: String?) {
        let fields = try JSONBody.decode(F.self, from: json)
        if !unreadable.isEmpty {
            // What could not be read, with whatever else is wrong with the rest.
            var problems = unreadable
            do { try fields.validate() } catch let error as CoordinatorError { problems += error.problems }
            throw CoordinatorError.invalid(problems)
        }
        let record = try await coordinator.write { store in
            if let id {
                try await coordinator.inventory.replace(id, with: fields, by: session.principal, in: store)
            } else {
                try await coordinator.inventory.create(fields, by: session.principal, in: store)
            }
        }
        return switch record.fields {
        case let contact as ContactFields: ("/board/customers/\(contact.customerId)", "contacts")
        default: ("/board/\(F.kind.rawValue)s/\(record.id)", nil)
        }
    }

    private func recordPage(
        _ kind: RecordKind, _ id: Int, _ request: Request, _ session: WebSession, error: String,
        status: HTTPResponse.Status
    ) async throws -> Response {
        switch kind {
        case .customer: try await customerPage(id, request, session, error: error, status: status)
        case .contact:
            try await customerPage(
                try await coordinator.inventory.record(id, as: ContactFields.self, by: session.principal).fields.customerId,
                request, session, error: error, status: status)
        case .site: try await sitePage(id, request, session, error: error, status: status)
        case .host: try await hostPage(id, request, session, error: error, status: status)
        case .technician: try await technicianPage(id, request, session, error: error, status: status)
        }
    }

    // MARK: Parts

    /// An ISO weekday's name (1 = Monday).
    static func weekday(_ number: Int) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][(number - 1) % 7]
    }

    func chrome(_ session: WebSession, _ request: Request, error: String? = nil) -> Chrome {
        var chrome = Chrome(session: session, clock: clock())
        let query = Query(request)
        chrome.notice = query.string("saved").map { "Saved the \($0)." } ?? query.string("deleted").map { "Deleted the \($0)." }
        chrome.error = error
        return chrome
    }

    /// A record's fields as the API shows them.
    func values<F: InventoryFields>(_ record: Record<F>) -> [String: JSONValue] {
        guard let data = try? JSONBody.encoder.encode(record.fields),
            case .object(let object)? = try? JSONBody.decoder.decode(JSONValue.self, from: data)
        else { return [:] }
        return object
    }

    /// The form that adds a record (`id` nil) or changes one, which also offers to delete it.
    func form(_ kind: RecordKind, id: Int?, values: [String: JSONValue], title: String, session: WebSession) -> RecordPage.Form {
        let prefix = InventoryForm.formId(kind, id)
        let action = "/board/inventory/\(kind.rawValue)" + (id.map { "/\($0)" } ?? "")
        let name = values["name"].flatMap { if case .string(let name) = $0 { name } else { nil } } ?? kind.noun
        var controls = InventoryForm.of(kind).controls(values, prefix: prefix)
        if let retry = FormRetry.of(prefix) { controls = InventoryForm.of(kind).retried(controls, retry) }
        return RecordPage.Form(
            id: prefix, title: title, action: action, csrf: session.csrf, controls: controls,
            button: id == nil ? "Add" : "Save", deleteAction: id.map { _ in action + "/delete" }, deleteLabel: "Delete \(name)")
    }
}
