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

    // MARK: Pages

    private func inventoryPage(
        _ session: WebSession, _ request: Request, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = session.principal
        // Customers: those a search finds (by name, a contact, a host), else the first ones by id.
        let text = Query(request).string("q")?.trimmingCharacters(in: .whitespaces) ?? ""
        let customers =
            text.isEmpty
            ? try await coordinator.inventory.records(CustomerFields.self, after: nil, limit: Self.inventoryLimit, by: principal).items
            : try await coordinator.inventory.findCustomers(text, by: principal)
        let technicians = try await coordinator.inventory.records(
            TechnicianFields.self, after: nil, limit: Self.inventoryLimit, by: principal
        ).items
        var page = RecordPage(
            chrome: chrome(session, request, error: error), title: "Inventory", crumbs: [.init(text: "Board", href: "/board")])
        (page.searchable, page.search) = (true, text)
        let customersTitle =
            !text.isEmpty
            ? "Customers matching “\(text)”"
            : customers.count == Self.inventoryLimit ? "Customers (the first \(Self.inventoryLimit): search for the others)" : "Customers"
        page.tables = [
            .init(
                id: "customers", title: customersTitle, headers: ["Name", "Email", "Phone"],
                rows: customers.map {
                    [.link($0.fields.name, "/board/customers/\($0.id)"), .text($0.fields.contactEmail), .text($0.fields.contactPhone)]
                }, empty: "No customers yet."),
            .init(
                id: "technicians", title: "Technicians", headers: ["Name", "Tier", "Skills", "Takes tickets"],
                rows: technicians.map {
                    [
                        .link($0.fields.name, "/board/technicians/\($0.id)"), .text("\($0.fields.tier)"),
                        .text($0.fields.skills.joined(separator: ", ")),
                        .text($0.fields.active ? "yes" : "no"),
                    ]
                }, empty: "No technicians yet."),
        ]
        if principal.role == .admin {
            page.forms = [
                form(.customer, id: nil, values: [:], title: "Add a customer", session: session),
                form(
                    .technician, id: nil,
                    values: ["tier": .number(1), "timeZone": .string("UTC"), "maxLoad": .number(10), "active": .bool(true)],
                    title: "Add a technician", session: session),
            ]
        }
        return pages.render("record", page, status: status)
    }

    private func customerPage(
        _ id: Int, _ request: Request, _ session: WebSession, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = session.principal
        let card = try await coordinator.inventory.customerCard(id, by: principal)
        let sites = try await coordinator.inventory.sites(ofCustomer: id, by: principal)
        let fields = card.customer.fields
        var page = RecordPage(
            chrome: chrome(session, request, error: error), title: fields.name, crumbs: [.init(text: "Inventory", href: "/board/inventory")]
        )
        page.facts = [("Main email", fields.contactEmail), ("Main phone", fields.contactPhone), ("Notes", fields.notes)]
            .compactMap { RecordPage.Fact($0, $1) }
        page.tables = [
            .init(
                id: "contacts", title: "Contacts", headers: ["Name", "Email", "Phone"],
                rows: card.contacts.map { [.text($0.fields.name), .text($0.fields.email), .text($0.fields.phone)] }, empty: "No contacts."),
            .init(
                id: "sites", title: "Sites", headers: ["Name", "Region", "Time zone"],
                rows: sites.map { [.link($0.fields.name, "/board/sites/\($0.id)"), .text($0.fields.region), .text($0.fields.timeZone)] },
                empty: "No sites."),
            .init(
                id: "hosts", title: "Hosts", headers: ["Name", "Criticality", "Health", "Open alerts"],
                rows: card.hosts.map { line in
                    [
                        .link(line.host.fields.name, "/board/hosts/\(line.host.id)"), .text(line.host.fields.criticality.rawValue),
                        .status(line.status?.rawValue ?? "no report yet", line.status?.rawValue),
                        .text(line.alerts.map { "\($0.plugin)/\($0.item)" }.joined(separator: ", ")),
                    ]
                }, empty: "No hosts."),
            .init(
                id: "open-tickets", title: "Open tickets", headers: ["Ticket", "Severity", "Status"],
                rows: card.openTickets.map {
                    [
                        .link("#\($0.id) \($0.title)", "/board/tickets/\($0.id)"), .text("S\($0.severity)"),
                        .text($0.status.rawValue.replacingOccurrences(of: "_", with: " ")),
                    ]
                }, empty: "No open tickets."),
        ]
        if principal.role == .admin {
            page.forms =
                [
                    form(.customer, id: id, values: values(card.customer), title: "Change this customer", session: session),
                    form(.contact, id: nil, values: ["customerId": .number(Double(id))], title: "Add a contact", session: session),
                ] + card.contacts.map { form(.contact, id: $0.id, values: values($0), title: "Change \($0.fields.name)", session: session) }
                + [
                    form(
                        .site, id: nil, values: ["customerId": .number(Double(id)), "timeZone": .string("UTC")], title: "Add a site",
                        session: session)
                ]
        }
        return pages.render("record", page, status: status)
    }

    private func sitePage(
        _ id: Int, _ request: Request, _ session: WebSession, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = session.principal
        let site = try await coordinator.inventory.record(id, as: SiteFields.self, by: principal)
        let customer = try await coordinator.inventory.record(site.fields.customerId, as: CustomerFields.self, by: principal)
        let hosts = try await coordinator.inventory.hosts(ofSite: id, by: principal)
        let fields = site.fields
        var page = RecordPage(
            chrome: chrome(session, request, error: error), title: fields.name,
            crumbs: [
                .init(text: "Inventory", href: "/board/inventory"),
                .init(text: customer.fields.name, href: "/board/customers/\(customer.id)"),
            ])
        page.facts = [("Address", fields.address), ("Region", fields.region), ("Time zone", fields.timeZone)]
            .compactMap { RecordPage.Fact($0, $1) }
        page.tables = [
            .init(
                id: "opening-hours", title: "Opening hours", headers: ["Day", "Hours"],
                rows: fields.openingHours.map { [.text(Self.weekday($0.weekday)), .text("\($0.opens)–\($0.closes)")] },
                empty: "Always open."),
            .init(
                id: "hosts", title: "Hosts", headers: ["Name", "Criticality", "Tags"],
                rows: hosts.map {
                    [
                        .link($0.fields.name, "/board/hosts/\($0.id)"), .text($0.fields.criticality.rawValue),
                        .text($0.fields.tags.joined(separator: ", ")),
                    ]
                }, empty: "No hosts."),
        ]
        if principal.role == .admin {
            page.forms = [
                form(.site, id: id, values: values(site), title: "Change this site", session: session),
                form(
                    .host, id: nil, values: ["siteId": .number(Double(id)), "criticality": .string("normal")], title: "Add a host",
                    session: session),
            ]
        }
        return pages.render("record", page, status: status)
    }

    private func hostPage(
        _ id: Int, _ request: Request, _ session: WebSession, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = session.principal
        let host = try await coordinator.inventory.record(id, as: HostFields.self, by: principal)
        let site = try await coordinator.inventory.record(host.fields.siteId, as: SiteFields.self, by: principal)
        let states = try await coordinator.health.checkStates(ofHost: id, by: principal)
        let reports = try await coordinator.health.reports(ofHost: id, cursor: nil, limit: Self.itemHistoryReports, by: principal).items
        let clock = clock()
        let fields = host.fields
        var page = RecordPage(
            chrome: chrome(session, request, error: error), title: fields.name,
            crumbs: [.init(text: "Inventory", href: "/board/inventory"), .init(text: site.fields.name, href: "/board/sites/\(site.id)")])
        page.facts = [
            ("Address", fields.address), ("Criticality", fields.criticality.rawValue),
            ("Tags", fields.tags.joined(separator: ", ")),
            ("Last report", reports.first.map { clock.dayTime($0.receivedAt) }),
        ]
        .compactMap { RecordPage.Fact($0, $1) }
        // Every item the host reports, its state now, and its status in each of the last reports (newest first).
        let items = states.sorted { ($0.plugin, $0.item) < ($1.plugin, $1.item) }
        page.tables = [
            .init(
                id: "items", title: "Items now and in the last \(reports.count) reports",
                headers: ["Item", "Now", "Since", "Ticket"] + reports.map { clock.dayTime($0.receivedAt) },
                rows: items.map { state in
                    var row: [RecordPage.Cell] = [
                        .text("\(state.plugin) / \(state.item)"),
                        .status(state.status.rawValue + (state.flapping ? ", flapping" : ""), state.status.rawValue),
                        .text(clock.dayTime(state.updatedAt)),
                        state.ticketId.map { .link("#\($0)", "/board/tickets/\($0)") } ?? .text(nil),
                    ]
                    row += reports.map { received in
                        let check = received.report.checks.first { $0.plugin == state.plugin && $0.item == state.item }
                        return check.map { .status($0.status.rawValue, $0.status.rawValue) } ?? .text("—")
                    }
                    return row
                }, empty: "This host has not reported yet."),
            .init(
                id: "vendor-services", title: "Vendor services", headers: ["Service", "Vendor"],
                rows: fields.vendorServices.map { [.text($0.service), .text($0.vendor)] }, empty: "None."),
            .init(
                id: "parameters", title: "Check parameters", headers: ["Plugin", "Parameter", "Value"],
                rows: fields.pluginParams.keys.sorted().flatMap { plugin in
                    (fields.pluginParams[plugin] ?? [:]).sorted { $0.key < $1.key }.map { [.text(plugin), .text($0.key), .text($0.value)] }
                }, empty: "The plugins' defaults."),
        ]
        // Diagnose now, on one of its open tickets this person may change.
        var open = TicketFilter()
        open.hostId = id
        open.statuses = TicketStatus.allCases.filter(\.isOpen)
        let tickets = try await coordinator.tickets.list(open, before: nil, limit: 50, by: principal).items
            .filter { (try? Access.requestJob(on: $0, by: principal)) != nil }
        if !tickets.isEmpty {
            var choice = InventoryForm.Control(
                id: "diagnose-ticket", name: "ticket", label: "Ticket", value: "", type: "text", required: true)
            choice.select = true
            choice.options = tickets.map { BoardView.Option(value: "\($0.id)", label: "#\($0.id) \($0.title)", selected: false) }
            page.forms.append(
                RecordPage.Form(
                    id: "diagnose", title: "Diagnose now", action: "/board/hosts/\(id)/diagnoses", csrf: session.csrf,
                    controls: [
                        choice,
                        InventoryForm.Control(
                            id: "diagnose-checks", name: "checks", label: "Checks (empty: all)",
                            hint: "plugin names, e.g. disk, network", value: "", type: "text"),
                    ],
                    button: "Diagnose now", deleteAction: nil, deleteLabel: ""))
        }
        if principal.role == .admin {
            page.forms.append(form(.host, id: id, values: values(host), title: "Change this host", session: session))
        }
        return pages.render("record", page, status: status)
    }

    private func technicianPage(
        _ id: Int, _ request: Request, _ session: WebSession, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = session.principal
        let technician = try await coordinator.inventory.record(id, as: TechnicianFields.self, by: principal)
        let fields = technician.fields
        // Their absences in their own time zone, as they were entered.
        let local = BoardClock(zone: TimeZone(identifier: fields.timeZone) ?? .gmt, now: coordinator.now())
        var page = RecordPage(
            chrome: chrome(session, request, error: error), title: fields.name,
            crumbs: [.init(text: "Inventory", href: "/board/inventory")])
        page.facts = [
            ("Email", fields.email), ("Tier", "\(fields.tier)"), ("Skills", fields.skills.joined(separator: ", ")),
            ("Region", fields.region), ("Time zone", fields.timeZone), ("Most open tickets", "\(fields.maxLoad)"),
            ("Takes tickets", fields.active ? "yes" : "no"),
        ]
        .compactMap { RecordPage.Fact($0, $1) }
        page.tables = [
            .init(
                id: "shifts", title: "Shifts (\(fields.timeZone))", headers: ["Day", "Hours"],
                rows: fields.shifts.map { [.text(Self.weekday($0.weekday)), .text("\($0.start)–\($0.end)")] }, empty: "No shifts."),
            .init(
                id: "absences", title: "Absences (\(fields.timeZone))", headers: ["From", "To", "Why"],
                rows: fields.absences.map { [.text(local.dayTime($0.from)), .text(local.dayTime($0.to)), .text($0.reason)] }, empty: "None."
            ),
        ]
        if principal.role == .admin {
            page.forms = [form(.technician, id: id, values: values(technician), title: "Change this technician", session: session)]
        }
        return pages.render("record", page, status: status)
    }

    // MARK: Parts

    /// An ISO weekday's name (1 = Monday).
    private static func weekday(_ number: Int) -> String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][(number - 1) % 7]
    }

    private func chrome(_ session: WebSession, _ request: Request, error: String? = nil) -> Chrome {
        var chrome = Chrome(session: session, clock: clock())
        let query = Query(request)
        chrome.notice = query.string("saved").map { "Saved the \($0)." } ?? query.string("deleted").map { "Deleted the \($0)." }
        chrome.error = error
        return chrome
    }

    /// A record's fields as the API shows them.
    private func values<F: InventoryFields>(_ record: Record<F>) -> [String: JSONValue] {
        guard let data = try? JSONBody.encoder.encode(record.fields),
            case .object(let object)? = try? JSONBody.decoder.decode(JSONValue.self, from: data)
        else { return [:] }
        return object
    }

    /// The form that adds a record (`id` nil) or changes one, which also offers to delete it.
    private func form(_ kind: RecordKind, id: Int?, values: [String: JSONValue], title: String, session: WebSession) -> RecordPage.Form {
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
