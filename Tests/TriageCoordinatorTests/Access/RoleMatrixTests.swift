import Foundation
import HTTPTypes
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Every route against every role (and no token at all): who may do what, and everyone else 403.
/// Each case names its route; `everyGuardedRouteHasACase` compares them with the router's own
/// list, so a route added without a role case fails here.
@Suite struct RoleMatrixTests {
    /// Tickets and records the cases act on; each role gets its own closed ticket to reopen.
    struct Fixture: Sendable {
        var mine = 0, theirs = 0, hostTicket = 0, spareCustomer = 0, spareSite = 0, spareHost = 0, spareTechnician = 0, visit = 0
        var contact = 0, spareContact = 0, job = 0, held = 0, otherHeld = 0, fileSha = ""
        var pendingReport = ""
        var closed: [String: Int] = [:]
        var t: (customer: Int, site: Int, host: Int, technician: Int)
    }

    struct Case: Sendable {
        /// METHOD and the router's path pattern.
        let route: String
        let path: @Sendable (Fixture, String) -> String
        let body: String?
        /// Status for admin, dispatcher, technician, agent, collector, mailgate, alertmanager; no token is always 401.
        let expected: [HTTPResponse.Status]

        var method: HTTPRequest.Method { HTTPRequest.Method(String(route.prefix { $0 != " " }))! }

        /// `expected` names the first roles; the rest (the machines' that are not named) are then 403.
        init(
            _ route: String, _ path: @escaping @Sendable (Fixture, String) -> String, body: String? = nil, _ expected: [HTTPResponse.Status]
        ) {
            (self.route, self.path, self.body) = (route, path, body)
            self.expected = expected + Array(repeating: .forbidden, count: max(0, RoleMatrixTests.roles.count - expected.count))
        }
    }

    static let roles: [Role] = [.admin, .dispatcher, .technician, .agent, .collector, .mailgate, .alertmanager]
    static let readers: [HTTPResponse.Status] = [.ok, .ok, .ok, .forbidden]
    static func adminOnly(_ status: HTTPResponse.Status) -> [HTTPResponse.Status] {
        [status, .forbidden, .forbidden, .forbidden]
    }
    static let desk: [HTTPResponse.Status] = [.ok, .ok, .forbidden, .forbidden]

    /// A report about web1 (the agent's host) with a fixed id: the first poster stores it, the rest get 200.
    static let report =
        #"{"id": "5E1F3C2A-0000-4000-8000-000000000001", "host": "web1", "startedAt": "2026-11-18T11:00:00Z", "durationMs": 5, "agentVersion": "t", "status": "ok", "checks": [{"plugin": "disk", "item": "fs /", "status": "ok", "summary": "fine", "metrics": [], "durationMs": 1}], "recommendation": {"onsite": false, "vendors": [], "reasons": []}, "errors": []}"#

    static let cases: [Case] = {
        var cases: [Case] = []
        let bodies = [
            "customers": #"{"name": "Acme AG"}"#, "sites": #"{"customerId": CUSTOMER, "name": "HQ"}"#,
            "hosts": #"{"siteId": SITE, "name": "web1"}"#, "technicians": #"{"name": "Tess", "tier": 2}"#,
            "contacts": #"{"customerId": CUSTOMER, "name": "Cleo", "phone": "+49 30 1234"}"#,
        ]
        for path in ["customers", "contacts", "sites", "hosts", "technicians"] {
            let body = bodies[path]!
            cases += [
                Case("GET /api/v1/\(path)", { _, _ in "/api/v1/\(path)" }, readers),
                Case("GET /api/v1/\(path)/{id}", { f, _ in "/api/v1/\(path)/\(Self.record(path, f))" }, readers),
                Case("PUT /api/v1/\(path)/{id}", { f, _ in "/api/v1/\(path)/\(Self.record(path, f))" }, body: body, adminOnly(.ok)),
                Case("DELETE /api/v1/\(path)/{id}", { f, _ in "/api/v1/\(path)/\(Self.spare(path, f))" }, adminOnly(.noContent)),
            ]
        }
        cases += [
            Case("POST /api/v1/customers", { _, _ in "/api/v1/customers" }, body: #"{"name": "New"}"#, adminOnly(.created)),
            Case(
                "POST /api/v1/sites", { _, _ in "/api/v1/sites" }, body: #"{"customerId": CUSTOMER, "name": "Annex"}"#, adminOnly(.created)),
            Case(
                "POST /api/v1/contacts", { _, _ in "/api/v1/contacts" },
                body: #"{"customerId": CUSTOMER, "name": "Cid", "email": "cid@acme.example"}"#,
                adminOnly(.created)),
            Case("POST /api/v1/hosts", { _, _ in "/api/v1/hosts" }, body: #"{"siteId": SITE, "name": "new1"}"#, adminOnly(.created)),
            Case("POST /api/v1/technicians", { _, _ in "/api/v1/technicians" }, body: #"{"name": "Nia"}"#, adminOnly(.created)),
            Case("GET /api/v1/tickets", { _, _ in "/api/v1/tickets" }, readers),
            Case("GET /api/v1/search", { _, _ in "/api/v1/search?q=web1+down" }, readers),
            Case("GET /api/v1/tickets/{id}", { f, _ in "/api/v1/tickets/\(f.theirs)" }, readers),
            Case("GET /api/v1/tickets/{id}/events", { f, _ in "/api/v1/tickets/\(f.theirs)/events" }, readers),
            Case(
                "POST /api/v1/tickets", { _, _ in "/api/v1/tickets" }, body: #"{"title": "New ticket"}"#,
                [.created, .created, .forbidden, .forbidden]),
            Case(
                "PATCH /api/v1/tickets/{id}", { f, _ in "/api/v1/tickets/\(f.mine)" }, body: #"{"description": "checked cables"}"#, readers),
            Case("PATCH /api/v1/tickets/{id}", { f, _ in "/api/v1/tickets/\(f.theirs)" }, body: #"{"description": "not yours"}"#, desk),
            Case(
                "POST /api/v1/tickets/{id}/reopen", { f, role in "/api/v1/tickets/\(f.closed[role]!)/reopen" },
                body: #"{"reason": "again"}"#, readers),
            Case("POST /api/v1/tickets/{id}/acknowledge", { f, _ in "/api/v1/tickets/\(f.mine)/acknowledge" }, readers),
            Case("POST /api/v1/tickets/{id}/acknowledge", { f, _ in "/api/v1/tickets/\(f.theirs)/acknowledge" }, desk),
            Case(
                "POST /api/v1/tickets/{id}/comments", { f, _ in "/api/v1/tickets/\(f.theirs)/comments" }, body: #"{"body": "hello"}"#,
                [.created, .created, .created, .forbidden]),
            Case("POST /api/v1/tickets/{id}/assign", { f, _ in "/api/v1/tickets/\(f.theirs)/assign" }, desk),
            Case(
                "POST /api/v1/tickets/{id}/time", { f, _ in "/api/v1/tickets/\(f.theirs)/time" }, body: #"{"minutes": 25, "note": "call"}"#,
                [.created, .created, .created, .forbidden]),
            Case("GET /api/v1/tickets/{id}/time", { f, _ in "/api/v1/tickets/\(f.theirs)/time" }, readers),
            // Otto's ticket: Tess may take only an unassigned one; the desk's tokens speak for no technician.
            Case(
                "POST /api/v1/tickets/{id}/take", { f, _ in "/api/v1/tickets/\(f.theirs)/take" },
                [.forbidden, .forbidden, .conflict, .forbidden]),
            Case(
                "POST /api/v1/tickets/{id}/merge", { f, _ in "/api/v1/tickets/\(f.theirs)/merge" }, body: #"{"into": 999999}"#,
                [.unprocessableContent, .unprocessableContent, .forbidden, .forbidden]),
            Case("GET /api/v1/tickets/{id}/links", { f, _ in "/api/v1/tickets/\(f.theirs)/links" }, readers),
            Case(
                "POST /api/v1/tickets/{id}/links", { f, _ in "/api/v1/tickets/\(f.theirs)/links" },
                body: #"{"other": MINE, "relation": "related"}"#,
                [.ok, .ok, .forbidden, .forbidden]),
            // The dispatcher (asked before the admin) unlinks; the admin then finds no link.
            Case(
                "DELETE /api/v1/tickets/{id}/links/{other}", { f, _ in "/api/v1/tickets/\(f.theirs)/links/\(f.mine)" },
                [.notFound, .ok, .forbidden, .forbidden]),
            Case(
                "POST /api/v1/tickets/{id}/escalate", { f, _ in "/api/v1/tickets/\(f.mine)/escalate" },
                body: #"{"to": "lead", "reason": "stuck"}"#, readers),
            Case(
                "POST /api/v1/tickets/{id}/escalate", { f, _ in "/api/v1/tickets/\(f.theirs)/escalate" },
                body: #"{"to": "lead", "reason": "x"}"#, desk),
            Case(
                "POST /api/v1/tickets/{id}/vendor-case", { f, _ in "/api/v1/tickets/\(f.mine)/vendor-case" }, body: #"{"vendor": "Dell"}"#,
                readers),
            // Alertmanager's webhook: its own token's one route (and the admin's); the unknown hosts are the admin's.
            Case(
                "POST /api/v1/alertmanager", { _, _ in "/api/v1/alertmanager" }, body: #"{"version": "4", "alerts": []}"#,
                [.ok, .forbidden, .forbidden, .forbidden, .forbidden, .forbidden, .ok]),
            Case("GET /api/v1/alertmanager/unmapped", { _, _ in "/api/v1/alertmanager/unmapped" }, adminOnly(.ok)),
            Case(
                "POST /api/v1/alertmanager/mappings", { _, _ in "/api/v1/alertmanager/mappings" },
                body: #"{"value": "x", "hostId": 999999}"#,
                adminOnly(.notFound)),
            // Webhooks are the admin's; ids nobody has answer the admin 404 (WebhooksTests: the real ones).
            Case("GET /api/v1/webhooks", { _, _ in "/api/v1/webhooks" }, adminOnly(.ok)),
            Case(
                "POST /api/v1/webhooks", { _, _ in "/api/v1/webhooks" }, body: #"{"url": "https://hooks.example/triage"}"#,
                adminOnly(.created)),
            Case("GET /api/v1/webhooks/{id}", { _, _ in "/api/v1/webhooks/999999" }, adminOnly(.notFound)),
            Case("PATCH /api/v1/webhooks/{id}", { _, _ in "/api/v1/webhooks/999999" }, body: #"{"enabled": false}"#, adminOnly(.notFound)),
            Case("DELETE /api/v1/webhooks/{id}", { _, _ in "/api/v1/webhooks/999999" }, adminOnly(.notFound)),
            Case("POST /api/v1/webhooks/{id}/secrets", { _, _ in "/api/v1/webhooks/999999/secrets" }, body: "{}", adminOnly(.notFound)),
            Case(
                "POST /api/v1/webhooks/{id}/secrets/retire", { _, _ in "/api/v1/webhooks/999999/secrets/retire" }, body: "{}",
                adminOnly(.notFound)),
            Case("POST /api/v1/webhooks/{id}/test", { _, _ in "/api/v1/webhooks/999999/test" }, body: "{}", adminOnly(.notFound)),
            Case("GET /api/v1/webhooks/{id}/deliveries", { _, _ in "/api/v1/webhooks/999999/deliveries" }, adminOnly(.notFound)),
            Case(
                "GET /api/v1/webhooks/{id}/deliveries/{deliveryId}", { _, _ in "/api/v1/webhooks/999999/deliveries/1" },
                adminOnly(.notFound)),
            Case(
                "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
                { _, _ in "/api/v1/webhooks/999999/deliveries/1/redeliver" }, body: "{}", adminOnly(.notFound)),
            // Notifications are a person's: no role's team token has any (NotificationsTests: personal tokens).
            Case("GET /api/v1/notifications", { _, _ in "/api/v1/notifications" }, [.forbidden, .forbidden, .forbidden, .forbidden]),
            Case(
                "POST /api/v1/notifications/read", { _, _ in "/api/v1/notifications/read" }, body: #"{"all": true}"#,
                [.forbidden, .forbidden, .forbidden, .forbidden]),
            Case(
                "GET /api/v1/notifications/settings", { _, _ in "/api/v1/notifications/settings" },
                [.forbidden, .forbidden, .forbidden, .forbidden]),
            Case(
                "PUT /api/v1/notifications/settings", { _, _ in "/api/v1/notifications/settings" }, body: #"{"digestAt": "09:00"}"#,
                [.forbidden, .forbidden, .forbidden, .forbidden]),
            // Agents: a diagnosis and a health report about their own host are theirs to post.
            Case(
                "POST /api/v1/tickets/{id}/diagnostics", { f, _ in "/api/v1/tickets/\(f.hostTicket)/diagnostics" }, body: report,
                [.ok, .ok, .ok, .created]),
            Case("GET /api/v1/tickets/{id}/diagnostics", { f, _ in "/api/v1/tickets/\(f.hostTicket)/diagnostics" }, readers),
            Case(
                "POST /api/v1/tickets/{id}/diagnostics/{reportId}/apply",
                { f, _ in "/api/v1/tickets/\(f.theirs)/diagnostics/\(f.pendingReport)/apply" },
                [.conflict, .ok, .forbidden, .forbidden]),
            // The collector (first: least privileged first) stores it; the agent finds it stored.
            Case(
                "POST /api/v1/reports", { f, _ in "/api/v1/reports?host=\(f.t.host)" },
                body: report.replacingOccurrences(of: "0001\"", with: "0002\""),
                [.ok, .ok, .forbidden, .ok, .created]),
            Case("GET /api/v1/hosts/{id}/reports", { f, _ in "/api/v1/hosts/\(f.t.host)/reports" }, readers),
            Case("GET /api/v1/hosts/{id}/checks", { f, _ in "/api/v1/hosts/\(f.t.host)/checks" }, readers),
            Case("GET /api/v1/tickets/{id}/visit-slots", { f, _ in "/api/v1/tickets/\(f.hostTicket)/visit-slots" }, readers),
            // Nobody is on shift: the desk passes the gate and meets the rules (422), the others do not.
            Case(
                "POST /api/v1/visits", { _, _ in "/api/v1/visits" },
                body:
                    #"{"ticketId": HOSTTICKET, "technicianId": TECHNICIAN, "start": "2026-11-23T09:00:00Z", "end": "2026-11-23T10:00:00Z"}"#,
                [.unprocessableContent, .unprocessableContent, .forbidden, .forbidden]),
            Case("GET /api/v1/visits", { _, _ in "/api/v1/visits" }, readers),
            Case("GET /api/v1/visits/{id}", { f, _ in "/api/v1/visits/\(f.visit)" }, readers),
            Case(
                "POST /api/v1/visits/{id}/reschedule", { f, _ in "/api/v1/visits/\(f.visit)/reschedule" },
                body: #"{"start": "2026-11-23T11:00:00Z", "end": "2026-11-23T12:00:00Z"}"#,
                [.unprocessableContent, .unprocessableContent, .forbidden, .forbidden]),
            // Cancelling is the desk's: the dispatcher cancels, the admin then finds it cancelled.
            Case(
                "POST /api/v1/visits/{id}/status", { f, _ in "/api/v1/visits/\(f.visit)/status" }, body: #"{"status": "cancelled"}"#,
                [.conflict, .ok, .forbidden, .forbidden]),
            // Jobs: the dispatcher queues one on the host's ticket (the admin then finds it queued);
            // the collector leases the older one, the agent this one; the collector runs its own.
            Case(
                "POST /api/v1/tickets/{id}/diagnoses", { f, _ in "/api/v1/tickets/\(f.hostTicket)/diagnoses" },
                body: #"{"checks": ["disk"]}"#,
                [.conflict, .accepted, .forbidden, .forbidden, .forbidden]),
            Case("GET /api/v1/jobs", { f, _ in "/api/v1/jobs?ticket=\(f.hostTicket)" }, readers),
            Case("GET /api/v1/jobs/{id}", { f, _ in "/api/v1/jobs/\(f.job)" }, readers),
            Case("GET /api/v1/agent/jobs", { _, _ in "/api/v1/agent/jobs?wait=0" }, [.forbidden, .forbidden, .forbidden, .ok, .ok]),
            Case(
                "POST /api/v1/jobs/{id}/start", { f, _ in "/api/v1/jobs/\(f.job)/start?lease=1" },
                [.forbidden, .forbidden, .forbidden, .conflict, .ok]),
            Case(
                "POST /api/v1/jobs/{id}/result", { f, _ in "/api/v1/jobs/\(f.job)/result?lease=1" },
                body: report.replacingOccurrences(of: "0001\"", with: "0003\""), [.forbidden, .forbidden, .forbidden, .conflict, .ok]),
            Case(
                "GET /api/v1/collector/hosts", { _, _ in "/api/v1/collector/hosts" }, [.forbidden, .forbidden, .forbidden, .forbidden, .ok]),
            // Mail: only the mailgate (and an admin) posts raw mail; the desk works the quarantine; readers see files and the outbox.
            Case(
                "POST /api/v1/mail", { _, _ in "/api/v1/mail" },
                body: MailFixture.message(from: "stranger@else.example", subject: "hi", id: "role-matrix@else.example"),
                [.ok, .forbidden, .forbidden, .forbidden, .forbidden, .ok]),
            Case("GET /api/v1/mail/quarantine", { _, _ in "/api/v1/mail/quarantine" }, desk),
            Case(
                "POST /api/v1/mail/quarantine/{id}/release", { f, _ in "/api/v1/mail/quarantine/\(f.held)/release" },
                body: #"{"customerId": CUSTOMER}"#,
                [.conflict, .ok, .forbidden, .forbidden]),
            Case(
                "POST /api/v1/mail/quarantine/{id}/discard", { f, _ in "/api/v1/mail/quarantine/\(f.otherHeld)/discard" },
                [.conflict, .ok, .forbidden, .forbidden]),
            Case("GET /api/v1/tickets/{id}/outbox", { f, _ in "/api/v1/tickets/\(f.theirs)/outbox" }, readers),
            Case("GET /api/v1/tickets/{id}/files/{sha256}", { f, _ in "/api/v1/tickets/\(f.theirs)/files/\(f.fileSha)" }, readers),
            // Last: it takes "mine" away from the technician.
            Case("PATCH /api/v1/tickets/{id}", { f, _ in "/api/v1/tickets/\(f.mine)" }, body: #"{"assigneeId": null}"#, desk),
        ]
        return cases
    }()

    static func record(_ path: String, _ f: Fixture) -> Int {
        switch path {
        case "customers": f.t.customer
        case "contacts": f.contact
        case "sites": f.t.site
        case "hosts": f.t.host
        default: f.t.technician
        }
    }

    static func spare(_ path: String, _ f: Fixture) -> Int {
        switch path {
        case "customers": f.spareCustomer
        case "contacts": f.spareContact
        case "sites": f.spareSite
        case "hosts": f.spareHost
        default: f.spareTechnician
        }
    }

    /// The router's guarded routes (everything under /api/v1 but the document) against the cases.
    @Test func everyGuardedRouteHasACase() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let router = try CoordinatorServer.router(
                coordinator: t.coordinator, configuration: t.configuration, metrics: CoordinatorMetrics())
            let guarded = Set(
                router.routes.map { "\($0.method.rawValue) \($0.path.description)" }
                    .filter { $0.contains(" /api/v1/") && !$0.hasSuffix("/openapi.yaml") })
            let covered = Set(Self.cases.map(\.route))
            #expect(guarded.subtracting(covered).sorted() == [], "routes without a role case")
            #expect(covered.subtracting(guarded).sorted() == [], "cases for routes that do not exist")
            #expect(guarded.count >= 51)
        }
    }

    @Test func everyRouteAnswersEachRoleAsTheRulesSay() async throws {
        try await TestCoordinator.with { t in
            let tech = t.technicianId
            let other = t.otherTechnicianId
            let base = Fixture(t: (t.customerId, t.siteId, t.hostId, t.technicianId))
            try await t.test { client in
                var fixture = base
                fixture.mine = try await client.post("/api/v1/tickets", #"{"title": "mine", "assigneeId": \#(tech)}"#).id
                fixture.theirs = try await client.post("/api/v1/tickets", #"{"title": "theirs", "assigneeId": \#(other)}"#).id
                fixture.hostTicket = try await client.post(
                    "/api/v1/tickets", #"{"title": "web1", "hostId": \#(base.t.host), "assigneeId": \#(other)}"#
                ).id
                fixture.spareCustomer = try await client.post("/api/v1/customers", #"{"name": "Spare"}"#).id
                fixture.spareSite = try await client.post("/api/v1/sites", #"{"customerId": \#(base.t.customer), "name": "Spare"}"#).id
                fixture.spareHost = try await client.post("/api/v1/hosts", #"{"siteId": \#(base.t.site), "name": "spare1"}"#).id
                fixture.spareTechnician = try await client.post("/api/v1/technicians", #"{"name": "Spare"}"#).id
                fixture.contact = try await client.post("/api/v1/contacts", #"{"customerId": \#(base.t.customer), "name": "Cleo"}"#).id
                fixture.spareContact = try await client.post("/api/v1/contacts", #"{"customerId": \#(base.t.customer), "name": "Spare"}"#)
                    .id
                let jobTicket = try await client.post("/api/v1/tickets", #"{"title": "diagnose web1", "hostId": \#(base.t.host)}"#).id
                fixture.job = try await client.post("/api/v1/tickets/\(jobTicket)/diagnoses", "{}").id
                for role in Self.roles + [nil] {
                    let id = try await client.post("/api/v1/tickets", #"{"title": "done", "assigneeId": \#(tech)}"#).id
                    _ = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "closed"}"#)
                    fixture.closed[role?.rawValue ?? "none"] = id
                }
                // Two messages from strangers wait in quarantine; Otto's ticket has a file.
                for subject in ["first", "second"] {
                    #expect(
                        try await client.mail(MailFixture.message(from: "\(subject)@else.example", subject: subject), as: .admin).json[
                            "outcome"] as? String == "quarantined")
                }
                let held = try await t.store.read { try await $0.inboundMails(outcome: .quarantined, before: nil, limit: 2) }.map(\.id)
                (fixture.held, fixture.otherHeld) = (held[0], held[1])
                let file = Data("the log".utf8).base64EncodedString()
                _ = try await client.post(
                    "/api/v1/tickets/\(fixture.theirs)/comments",
                    #"{"body": "log", "attachments": [{"name": "a.log", "content": "\#(file)"}]}"#)
                fixture.fileSha = try await t.store.read { [fixture] session in
                    let events = try await session.events(ticketIds: [fixture.theirs], kinds: [.comment])
                    for event in events {
                        if case .comment(let comment)? = event.entry, let sha = comment.attachments?.first?.sha256 { return sha }
                    }
                    return ""
                }
                // Tess's diagnosis on Otto's ticket waits to be applied.
                let pending = UUID()
                let posted = try await client.post(
                    "/api/v1/tickets/\(fixture.theirs)/diagnostics",
                    Self.report.replacingOccurrences(of: "5E1F3C2A-0000-4000-8000-000000000001", with: pending.uuidString),
                    as: .technician)
                #expect(posted.status == .created && posted.json["appliedAt"] == nil)
                fixture.pendingReport = pending.uuidString
                let now = t.clock.now
                fixture.visit = try await t.store.write { [fixture] session in
                    try await session.insertVisit(
                        Visit(
                            id: 0, ticketId: fixture.mine, technicianId: tech, siteId: base.t.site,
                            start: now + 86_400, end: now + 90_000, status: .booked, notes: nil,
                            createdAt: now, updatedAt: now)
                    ).id
                }
                var checked = 0
                for check in Self.cases {
                    let body = check.body.map {
                        $0.replacingOccurrences(of: "CUSTOMER", with: "\(base.t.customer)").replacingOccurrences(
                            of: "SITE", with: "\(base.t.site)"
                        )
                        .replacingOccurrences(of: "HOSTTICKET", with: "\(fixture.hostTicket)").replacingOccurrences(
                            of: "TECHNICIAN", with: "\(tech)"
                        ).replacingOccurrences(of: "MINE", with: "\(fixture.mine)")
                    }
                    // Least privileged first, so a successful write cannot change what the others see.
                    for (role, expected) in zip(Self.roles, check.expected).reversed() {
                        let path = check.path(fixture, role.rawValue)
                        let reply = try await client.send(check.method, path, as: role, json: body)
                        #expect(reply.status == expected, "\(role) \(check.route) \(path): \(reply.body)")
                        if expected == .forbidden { #expect(reply.errorCode == "forbidden") }
                        checked += 1
                    }
                    let path = check.path(fixture, "none")
                    let anonymous = try await client.send(check.method, path, as: nil, json: body)
                    #expect(anonymous.status == .unauthorized, "no token \(check.route) \(path)")
                    #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
                }
                #expect(checked == Self.cases.count * Self.roles.count)
            }
        }
    }

    @Test func operationsRoutesNeedNoTokenAndWrongTokensAreRefused() async throws {
        try await TestCoordinator.with { t in
            let admin = try #require(t.tokens[.admin])
            let adminTokenId = try await t.coordinator.credentials.tokens().first { $0.name == "root" }!.id
            try await t.test { client in
                for path in ["/healthz", "/metrics", "/api/v1/openapi.yaml"] {
                    #expect(try await client.get(path, as: nil).status == .ok, "\(path)")
                }
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: "trg_forged").status == .unauthorized)
                let basic = try await client.send(.get, "/api/v1/tickets", as: nil, headers: [.authorization: "Basic YTpi"])
                #expect(basic.status == .unauthorized)
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: admin).status == .ok)
                try await t.coordinator.credentials.revokeToken(adminTokenId)
                let revoked = try await client.send(.get, "/api/v1/tickets", as: nil, token: admin)
                #expect(revoked.status == .unauthorized)
                #expect(revoked.errorMessage.contains("revoked"))
            }
        }
    }
}
