import Foundation
import HTTPTypes
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// The inventory's pages: the list, and a customer, site, host or technician with what hangs off it.
extension InventoryPages {
    func inventoryPage(
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

    func customerPage(
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

    func sitePage(
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

    func hostPage(
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

    func technicianPage(
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
}
