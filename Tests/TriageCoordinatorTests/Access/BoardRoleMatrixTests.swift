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

/// Every /board route against every person's role (and no session): who may, and that everyone
/// else gets 403 and changes nothing — the tickets and their history, the inventory, the jobs,
/// the accounts and the tokens read the same before and after. Routes come from the router, so a
/// board route added without a case fails `everyBoardRouteHasACase`.
@Suite struct BoardRoleMatrixTests {
    typealias Visitor = BoardTests.Visitor

    /// Records the cases act on (each role its own where an action can only happen once).
    struct Fixture: Sendable {
        var mine = 0, theirs = 0, hostTicket = 0, otherUser = 0, spareCustomer = 0
        var visits: [Role: Int] = [:]
        /// Tickets about the host, one per role and per way of asking for a diagnosis (one job per ticket at a time).
        var diagnoseOnTicket: [Role: Int] = [:], diagnoseOnHost: [Role: Int] = [:]
        var closed: [Role: Int] = [:]
        /// A shared saved view per role, to delete.
        var sharedViews: [Role: Int] = [:]
        /// A shared reply text per role, to delete.
        var sharedReplies: [Role: Int] = [:]
        var ownToken: [Role: Int] = [:]
        var rootsToken = 0
        /// A file of a reply on "theirs".
        var fileSha = ""
        /// Held messages, one per role and per way out of the quarantine.
        var toRelease: [Role: Int] = [:], toDiscard: [Role: Int] = [:]
        var t: (customer: Int, site: Int, host: Int, technician: Int)
        /// On shift always, for bookings; and when the test's clock starts.
        var fieldTechnician = 0
        var now = Date()
    }

    struct Case: Sendable {
        /// METHOD and the router's path pattern.
        let route: String
        let path: @Sendable (Fixture, Role) -> String
        let form: @Sendable (Fixture, Role) -> [(String, String)]
        /// For admin, dispatcher, technician.
        let expected: [HTTPResponse.Status]

        var method: HTTPRequest.Method { HTTPRequest.Method(String(route.prefix { $0 != " " }))! }

        init(
            _ route: String, _ path: @escaping @Sendable (Fixture, Role) -> String,
            form: @escaping @Sendable (Fixture, Role) -> [(String, String)] = { _, _ in [] }, _ expected: [HTTPResponse.Status]
        ) {
            (self.route, self.path, self.form, self.expected) = (route, path, form, expected)
        }
    }

    static let roles: [Role] = [.admin, .dispatcher, .technician]
    static let everyone: [HTTPResponse.Status] = [.ok, .ok, .ok]
    static let redirectForAll: [HTTPResponse.Status] = [.seeOther, .seeOther, .seeOther]
    static let desk: [HTTPResponse.Status] = [.seeOther, .seeOther, .forbidden]
    static let adminPage: [HTTPResponse.Status] = [.ok, .forbidden, .forbidden]
    static let adminRedirect: [HTTPResponse.Status] = [.seeOther, .forbidden, .forbidden]

    /// Open without a session: the sign-in and setup flow and the static files.
    static let open: Set<String> = [
        "GET /", "GET /board/static/board.css", "GET /board/static/live.js", "GET /board/static/keys.js", "GET /board/static/compose.js",
        "GET /board/login",
        "POST /board/login", "POST /board/login/code", "GET /setup", "POST /setup",
    ]
    /// The live stream never ends while its session lives: the roles' streams are LiveUpdatesTests'; here only no session.
    static let streams: Set<String> = ["GET /board/live"]

    @Test func everyBoardRouteHasACase() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let router = try CoordinatorServer.router(
                coordinator: t.coordinator, configuration: t.configuration, metrics: CoordinatorMetrics())
            let board = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.filter { !$0.contains(" /api/v1") })
                .subtracting(["GET /healthz", "GET /metrics"])
            let covered = Set(Self.cases.map(\.route)).union(Self.open).union(Self.streams)
            #expect(board.subtracting(covered).sorted() == [], "board routes without a role case")
            #expect(covered.subtracting(board).sorted() == [], "cases for routes that do not exist")
            #expect(board.count >= 45)
        }
    }

    /// What a refused request must not change, as the API lists it.
    static func state(_ t: TestCoordinator, _ client: TestCoordinator.Client, _ f: Fixture) async throws -> String {
        var parts: [String] = []
        for path in [
            "/api/v1/tickets?limit=200", "/api/v1/customers", "/api/v1/jobs", "/api/v1/tickets/\(f.theirs)/events?limit=200",
            "/api/v1/mail/quarantine",
            "/api/v1/tickets/\(f.mine)/events?limit=200", "/api/v1/visits?limit=200",
        ] {
            parts.append(try await client.get(path).body)
        }
        parts.append("\(try await t.coordinator.accounts.users(by: .console).map { "\($0.id) \($0.active) \($0.updatedAt)" })")
        parts.append(
            try await t.store.read { session in
                let db = (session as! SQLSession).db
                var rows: [String] = []
                for table in [
                    "saved_views", "canned_replies", "time_entries", "ticket_links", "notifications", "outbox", "webhook_endpoints",
                    "webhook_deliveries",
                ] {
                    rows.append(
                        table + ": "
                            + String(
                                try await db.raw("SELECT count(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int.self) ?? -1
                            ))
                }
                return rows.joined(separator: ", ")
            })
        parts.append("\(try await t.coordinator.credentials.tokens().map { "\($0.id) \($0.revokedAt.map { "\($0)" } ?? "-")" })")
        return parts.joined(separator: "\n")
    }

    @Test func everyBoardRouteAnswersEachRoleAsTheRulesSayAndRefusalsChangeNothing() async throws {
        try await TestCoordinator.with { t in
            let tech = t.technicianId
            let other = t.otherTechnicianId
            try await t.test { client in
                var f = Fixture(t: (t.customerId, t.siteId, t.hostId, t.technicianId))
                f.mine = try await client.post("/api/v1/tickets", #"{"title": "mine", "assigneeId": \#(tech)}"#).id
                f.theirs = try await client.post("/api/v1/tickets", #"{"title": "theirs", "assigneeId": \#(other)}"#).id
                f.hostTicket = try await client.post(
                    "/api/v1/tickets", #"{"title": "web1 down", "hostId": \#(t.hostId), "assigneeId": \#(other)}"#
                ).id
                f.spareCustomer = try await client.post("/api/v1/customers", #"{"name": "Spare"}"#).id
                let file = Data("the log".utf8).base64EncodedString()
                _ = try await client.post(
                    "/api/v1/tickets/\(f.theirs)/comments", #"{"body": "log", "attachments": [{"name": "a.log", "content": "\#(file)"}]}"#)
                f.fileSha = try await t.store.read { [f] session in
                    try await session.events(ticketIds: [f.theirs], kinds: [.comment]).compactMap { event -> String? in
                        if case .comment(let comment)? = event.entry { return comment.attachments?.first?.sha256 } else { return nil }
                    }.first ?? ""
                }
                for role in Self.roles {
                    for (way, held) in [("release", \Fixture.toRelease), ("discard", \Fixture.toDiscard)] {
                        let sender = "\(role.rawValue)-\(way)@stranger.example"
                        let filed = try await client.mail(MailFixture.message(from: sender, subject: "to \(way)"), as: .admin)
                        f[keyPath: held][role] = filed.json["id"] as? Int ?? 0
                    }
                }
                f.now = t.clock.now
                let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
                f.fieldTechnician = try await client.post("/api/v1/technicians", #"{"name": "Vera", "shifts": [\#(always)]}"#).id
                for role in Self.roles {
                    for ask in [\Fixture.diagnoseOnTicket, \Fixture.diagnoseOnHost] {
                        f[keyPath: ask][role] = try await client.post(
                            "/api/v1/tickets", #"{"title": "diagnose web1", "hostId": \#(t.hostId), "assigneeId": \#(other)}"#
                        ).id
                    }
                    let id = try await client.post(
                        "/api/v1/tickets", #"{"title": "closed for \#(role.rawValue)", "assigneeId": \#(other)}"#
                    ).id
                    _ = try await client.send(.patch, "/api/v1/tickets/\(id)", json: #"{"status": "closed"}"#)
                    f.closed[role] = id
                }
                let now = t.clock.now
                for (index, role) in Self.roles.enumerated() {
                    let start = now + Double(index + 1) * 86_400
                    f.visits[role] = try await t.store.write { [f] session in
                        try await session.insertVisit(
                            Visit(
                                id: 0, ticketId: f.mine, technicianId: tech, siteId: f.t.site, start: start,
                                end: start + 3600, status: .booked, notes: nil, createdAt: now, updatedAt: now)
                        ).id
                    }
                }
                f.otherUser = try await t.coordinator.accounts.create(
                    UserInput(login: "otto", role: .technician, technicianId: other),
                    password: "otto keeps a long secret", by: .console
                ).id
                let users = try await t.coordinator.accounts.users(by: .console)
                for role in Self.roles {
                    let user = try #require(users.first { $0.role == role })
                    f.ownToken[role] = try await t.coordinator.credentials.issuePersonalToken(name: "own", by: user.principal).info.id
                }
                for role in Self.roles {
                    f.sharedViews[role] = try await t.coordinator.tickets.saveView(
                        name: "to delete \(role.rawValue)", query: "severity=2", shared: true,
                        by: users.first { $0.login == "root" }!.principal
                    ).id
                    f.sharedReplies[role] = try await t.coordinator.tickets.saveCannedReply(
                        name: "to delete \(role.rawValue)", body: "Bye", shared: true, by: users.first { $0.login == "root" }!.principal
                    ).id
                }
                f.rootsToken = try await t.coordinator.credentials.issuePersonalToken(
                    name: "root's", by: users.first { $0.login == "root" }!.principal
                ).info.id

                var visitors: [Role: Visitor] = [:]
                for role in Self.roles {
                    var visitor = Visitor(client: client.client)
                    #expect(try await visitor.logIn(t.accounts[role]!).status == .seeOther)
                    _ = try await visitor.get("/board")
                    visitors[role] = visitor
                }
                var checked = 0
                for check in Self.cases {
                    // Least privileged first, so a change that is allowed cannot alter what the others are refused.
                    for (role, expected) in zip(Self.roles, check.expected).reversed() {
                        var visitor = visitors[role]!
                        let path = check.path(f, role)
                        let before = expected == .forbidden ? try await Self.state(t, client, f) : ""
                        let page =
                            check.method == .get
                            ? try await visitor.get(path)
                            : try await visitor.post(path, check.form(f, role) + [("csrf", visitor.csrf)])
                        #expect(page.status == expected, "\(role) \(check.route) \(path): \(page.status) \(page.html.prefix(300))")
                        if expected == .forbidden {
                            #expect(try await Self.state(t, client, f) == before, "\(role) \(check.route): a refusal changed something")
                        }
                        visitors[role] = visitor
                        checked += 1
                    }
                    // Without a session: a page goes to the sign-in form, a form post is refused.
                    var stranger = Visitor(client: client.client)
                    let path = check.path(f, .admin)
                    let anonymous =
                        check.method == .get ? try await stranger.get(path) : try await stranger.post(path, check.form(f, .admin))
                    if check.method == .get {
                        #expect(
                            anonymous.status == .seeOther && anonymous.location?.hasPrefix("/board/login?next=") == true, "\(check.route)")
                    } else {
                        #expect(anonymous.status == .unauthorized, "no session \(check.route): \(anonymous.status)")
                    }
                }
                var stranger = Visitor(client: client.client)
                let live = try await stranger.get("/board/live")
                #expect(live.status == .seeOther, "no session: the live stream goes to the sign-in form")
                #expect(checked == Self.cases.count * Self.roles.count)
            }
        }
    }
}
