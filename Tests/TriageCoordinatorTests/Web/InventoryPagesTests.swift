import Foundation
import HTTPTypes
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The inventory on the board: an admin adds and changes customers, contacts, sites, hosts and
/// technicians with forms that go through the API's checks; everyone reads the pages; a
/// dispatcher or technician gets 403 on every form and nothing changes.
@Suite struct InventoryPagesTests {
    typealias Visitor = BoardTests.Visitor

    @Test func anAdminBuildsTheInventoryWithFormsAndEveryPageShowsIt() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            try await t.test { client in
                var admin = Visitor(client: client.client)
                try await admin.logIn(t.accounts[.admin]!)
                #expect(try await admin.get("/board/inventory").html.contains("No customers yet."))
                func add(_ kind: String, _ form: [(String, String)]) async throws -> Visitor.Page {
                    try await admin.post("/board/inventory/\(kind)", form + [("csrf", admin.csrf)])
                }
                let customer = try await add("customer", [("name", "Acme <Corp>"), ("contactPhone", "+49 30 1234")])
                #expect(customer.status == .seeOther && customer.location == "/board/customers/1?saved=customer")
                let contact = try await add("contact", [("customerId", "1"), ("name", "Carla"), ("phone", "+49 170 555 0101")])
                #expect(contact.location == "/board/customers/1?saved=contact#contacts")
                let renamed = try await admin.post(
                    "/board/inventory/contact/1",
                    [
                        ("customerId", "1"), ("name", "Carla Caller"), ("phone", "+49 170 555 0101"),
                        ("email", "carla@acme.example"), ("csrf", admin.csrf),
                    ])
                #expect(renamed.location == "/board/customers/1?saved=contact#contacts")
                #expect(
                    try await t.coordinator.inventory.record(1, as: ContactFields.self, by: .console).fields.email == "carla@acme.example")
                let site = try await add(
                    "site",
                    [
                        ("customerId", "1"), ("name", "HQ"), ("timeZone", "Europe/Berlin"),
                        ("openingHours", "1 08:00-17:00\n5 08:00-14:00"),
                    ])
                #expect(site.location == "/board/sites/1?saved=site")
                let host = try await add(
                    "host",
                    [
                        ("siteId", "1"), ("name", "web1"), ("criticality", "high"), ("tags", "web, prod"),
                        ("vendorServices", "backup: Acme Backup Inc."), ("pluginParams", "disk.warning = 80\ndisk.critical = 95"),
                    ])
                #expect(host.location == "/board/hosts/1?saved=host")
                // Absences as people type them: days, and times without an offset, in the technician's zone; a full time as it is.
                let technician = try await add(
                    "technician",
                    [
                        ("name", "Vera"), ("tier", "2"), ("skills", "linux, network"),
                        ("timeZone", "Europe/Berlin"), ("maxLoad", "5"), ("active", "on"),
                        ("shifts", "1 08:00-16:00\n2 08:00-16:00"),
                        (
                            "absences",
                            "2026-12-21 2027-01-03 winter holiday\n2027-02-02T13:00 2027-02-02T17:00 dentist\n"
                                + "2027-03-01T08:00:00Z 2027-03-01T12:00:00Z audit"
                        ),
                    ])
                #expect(technician.location == "/board/technicians/1?saved=technician")

                // What the forms made is what the API would have made from the same JSON.
                let stored = try await t.coordinator.inventory.record(1, as: HostFields.self, by: .console).fields
                #expect(
                    stored.criticality == .high && stored.tags == ["web", "prod"]
                        && stored.vendorServices == [HostFields.VendorService(service: "backup", vendor: "Acme Backup Inc.")]
                        && stored.pluginParams == ["disk": ["warning": "80", "critical": "95"]])
                let vera = try await t.coordinator.inventory.record(1, as: TechnicianFields.self, by: .console).fields
                #expect(vera.tier == 2 && vera.skills == ["linux", "network"] && vera.shifts.count == 2)
                #expect(
                    vera.absences.map { "\(InternetTime.format($0.from)) \(InternetTime.format($0.to)) \($0.reason ?? "")" } == [
                        "2026-12-20T23:00:00Z 2027-01-03T23:00:00Z winter holiday", "2027-02-02T12:00:00Z 2027-02-02T16:00:00Z dentist",
                        "2027-03-01T08:00:00Z 2027-03-01T12:00:00Z audit",
                    ])

                let customerPage = try await admin.get("/board/customers/1?saved=customer")
                #expect(customerPage.html.contains("Acme &lt;Corp&gt;") && !customerPage.html.contains("Acme <Corp>"), "escaped")
                #expect(
                    customerPage.html.contains("Saved the customer.") && customerPage.html.contains("+49 170 555 0101")
                        && customerPage.html.contains(#"<a href="/board/sites/1">HQ</a>"#)
                        && customerPage.html.contains(#"<a href="/board/hosts/1">web1</a>"#))
                let sitePage = try await admin.get("/board/sites/1").html
                #expect(
                    sitePage.contains("<td>Friday</td><td>08:00–14:00</td>") && sitePage.contains(#"<a href="/board/hosts/1">web1</a>"#))
                let technicianPage = try await admin.get("/board/technicians/1").html
                #expect(technicianPage.contains("<td>Tuesday</td><td>08:00–16:00</td>") && technicianPage.contains("winter holiday"))
                #expect(
                    technicianPage.contains(
                        "2026-12-21 2027-01-03 winter holiday\n2027-02-02T13:00 2027-02-02T17:00 dentist\n"
                            + "2027-03-01T09:00 2027-03-01T13:00 audit"), "the edit form shows them as they would be typed, in her zone")
                // The edit form holds the record as it is, in the lines it was entered in.
                let hostPage = try await admin.get("/board/hosts/1").html
                #expect(hostPage.contains("disk.critical = 95\ndisk.warning = 80") && hostPage.contains(#"<option value="high" selected>"#))

                // A change through the edit form; a line that does not parse is refused with the field and line, and nothing changes.
                let changed = try await admin.post(
                    "/board/inventory/host/1",
                    [
                        ("siteId", "1"), ("name", "web1"), ("criticality", "critical"),
                        ("csrf", admin.csrf),
                    ])
                #expect(changed.location == "/board/hosts/1?saved=host")
                #expect(try await t.coordinator.inventory.record(1, as: HostFields.self, by: .console).fields.criticality == .critical)
                let badDay = try await admin.post(
                    "/board/inventory/technician/1",
                    [
                        ("name", "Vera"), ("timeZone", "UTC"),
                        ("absences", "2026-02-30 2026-03-02 skiing"), ("csrf", admin.csrf),
                    ])
                #expect(
                    badDay.status == .unprocessableContent
                        && badDay.html.contains("absences: line 1 should read like 2026-12-21 2027-01-03 holiday"))
                let bad = try await admin.post(
                    "/board/inventory/technician/1",
                    [
                        ("name", "Vera"), ("tier", "2"), ("timeZone", "UTC"),
                        ("shifts", "1 08:00-16:00\nMonday mornings"), ("csrf", admin.csrf),
                    ])
                #expect(
                    bad.status == .unprocessableContent && bad.html.contains("Not saved: shifts: line 2 should read like 1 08:00-17:00"),
                    "\(bad.html)")
                let zone = try await admin.post(
                    "/board/inventory/site",
                    [
                        ("customerId", "1"), ("name", "Mars base"), ("timeZone", "Mars/Olympus"),
                        ("csrf", admin.csrf),
                    ])
                #expect(
                    zone.status == .unprocessableContent && zone.html.contains("is not an IANA time zone")
                        && zone.html.contains("Acme &lt;Corp&gt;"),
                    "the API's sentence, on the customer's page")
                #expect(try await t.coordinator.inventory.record(1, as: TechnicianFields.self, by: .console).fields == vera)
                #expect(try await t.coordinator.inventory.records(SiteFields.self, after: nil, limit: 10, by: .console).items.count == 1)
                #expect(try await admin.get("/board/inventory").html.contains(#"<a href="/board/technicians/1">Vera</a>"#))
                // The list's search finds a customer by a contact's phone or a host's name, and nothing else.
                _ = try await add("customer", [("name", "Globex")])
                for search in ["555 0101", "web1"] {
                    let found = try await admin.get("/board/inventory?q=" + search.replacingOccurrences(of: " ", with: "+")).html
                    #expect(
                        found.contains(#"<a href="/board/customers/1">Acme &lt;Corp&gt;</a>"#) && !found.contains("Globex"), "\(search)")
                }
                // Deleting: a customer still in use stays and its page says why; a contact goes.
                let inUse = try await admin.post("/board/inventory/customer/1/delete", [("csrf", admin.csrf)])
                #expect(
                    inUse.status == .conflict && inUse.html.contains("Not deleted: customer 1 is still referred to by"), "\(inUse.html)")
                let gone = try await admin.post("/board/inventory/contact/1/delete", [("csrf", admin.csrf)])
                #expect(gone.location == "/board/customers/1?deleted=contact")
                #expect(try await admin.get(gone.location!).html.contains("Deleted the contact."))
                #expect(try await t.coordinator.inventory.records(ContactFields.self, after: nil, limit: 10, by: .console).items.isEmpty)
            }
        }
    }

    @Test func aHostPageShowsEveryItemNowAndInItsLastReports() async throws {
        try await TestCoordinator.with { t in
            for (minute, status) in [(0, CheckStatus.ok), (1, .critical), (2, .warning)] {
                let report = DiagnosticReport(
                    host: "web1", startedAt: t.coordinator.now(), durationMs: 1, agentVersion: "test",
                    checks: [
                        CheckResult(plugin: "disk", item: "/var", status: status, summary: "disk \(minute)"),
                        CheckResult(plugin: "net", item: "eth0", status: .ok, summary: "up"),
                    ])
                _ = try await t.store.write {
                    try await t.coordinator.health.receive(report, intervalSeconds: 60, hostId: t.hostId, by: .console, in: $0)
                }
                t.clock.advance(minutes: 1)
            }
            try await t.test { client in
                var tess = Visitor(client: client.client)
                try await tess.logIn(t.accounts[.technician]!)
                let page = try await tess.get("/board/hosts/\(t.hostId)")
                #expect(page.status == .ok)
                let row = try #require(page.html.firstMatch(of: /<tr><td>disk \/ \/var<\/td>(.*)<\/tr>/).map { String($0.1) })
                let statuses = row.matches(of: /class="status st-(\w+)"/).map { String($0.1) }
                #expect(statuses == ["warning", "warning", "critical", "ok"], "now, then the reports newest first: \(row)")
                #expect(page.html.contains("Items now and in the last 3 reports") && page.html.contains("<td>net / eth0</td>"))
                #expect(!page.html.contains("record-form"), "a technician reads the inventory and changes none of it")
            }
        }
    }

    @Test(arguments: [Role.dispatcher, .technician])
    func everyoneButAnAdminReadsTheInventoryAndGets403OnEveryForm(role: Role) async throws {
        try await TestCoordinator.with { t in
            let before = try await t.coordinator.inventory.record(t.hostId, as: HostFields.self, by: .console).fields
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(t.accounts[role]!)
                for path in [
                    "/board/inventory", "/board/customers/\(t.customerId)", "/board/sites/\(t.siteId)", "/board/hosts/\(t.hostId)",
                    "/board/technicians/\(t.technicianId)",
                ] {
                    let page = try await visitor.get(path)
                    #expect(page.status == .ok && !page.html.contains("record-form"), "\(path): read, no forms")
                }
                let posts: [(String, [(String, String)])] = [
                    ("/board/inventory/customer", [("name", "Evil Corp")]),
                    ("/board/inventory/contact", [("customerId", "\(t.customerId)"), ("name", "Eve")]),
                    ("/board/inventory/site", [("customerId", "\(t.customerId)"), ("name", "Lair")]),
                    ("/board/inventory/host", [("siteId", "\(t.siteId)"), ("name", "evil1")]),
                    ("/board/inventory/technician", [("name", "Eve")]),
                    ("/board/inventory/host/\(t.hostId)", [("siteId", "\(t.siteId)"), ("name", "renamed"), ("criticality", "low")]),
                    ("/board/inventory/customer/\(t.customerId)", [("name", "Renamed")]),
                    ("/board/inventory/site/\(t.siteId)", [("customerId", "\(t.customerId)"), ("name", "Renamed")]),
                    ("/board/inventory/technician/\(t.technicianId)", [("name", "Renamed"), ("tier", "3")]),
                    ("/board/inventory/host/\(t.otherHostId)/delete", []),
                    ("/board/inventory/technician/\(t.otherTechnicianId)/delete", []),
                ]
                for (path, form) in posts {
                    let answer = try await visitor.post(path, form + [("csrf", visitor.csrf)])
                    #expect(answer.status == .forbidden, "\(path): \(answer.status)")
                }
                #expect(try await t.coordinator.inventory.record(t.hostId, as: HostFields.self, by: .console).fields == before)
                #expect(
                    try await t.coordinator.inventory.records(CustomerFields.self, after: nil, limit: 10, by: .console).items.map(
                        \.fields.name) == ["Acme"])
                #expect(
                    try await t.coordinator.inventory.records(SiteFields.self, after: nil, limit: 10, by: .console).items.map(\.fields.name)
                        == ["HQ"])
                #expect(
                    try await t.coordinator.inventory.records(TechnicianFields.self, after: nil, limit: 10, by: .console).items.map(
                        \.fields.name) == ["Tess", "Otto"])
                #expect(try await t.coordinator.inventory.records(HostFields.self, after: nil, limit: 10, by: .console).items.count == 2)
            }
        }
    }

    @Test func aFormWithoutTheSessionsTokenIsRefused() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                var admin = Visitor(client: client.client)
                try await admin.logIn(t.accounts[.admin]!)
                let answer = try await admin.post("/board/inventory/customer", [("name", "Forged"), ("csrf", "not-the-token")])
                #expect(answer.status == .forbidden)
                #expect(
                    try await t.coordinator.inventory.records(CustomerFields.self, after: nil, limit: 10, by: .console).items.count == 1)
            }
        }
    }
}
