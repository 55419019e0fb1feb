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

/// Every form the board has, taken from the router itself so a new one cannot be forgotten: a post
/// without the session's CSRF token, or with another session's, is refused with 403 and changes
/// nothing.
@Suite struct BoardFormsTests {
    /// Posts made before there is a session: they carry a signed form token of their own instead.
    static let beforeSignIn: Set<String> = ["/board/login", "/board/login/code", "/setup"]

    @Test func everyFormRefusesAPostWithoutTheSessionsTokenAndChangesNothing() async throws {
        try await TestCoordinator.with { t in
            let router = try CoordinatorServer.router(
                coordinator: t.coordinator, configuration: t.configuration, metrics: CoordinatorMetrics())
            let posts = router.routes.filter { $0.method == .post }.map { $0.path.description }
                .filter { $0.hasPrefix("/board") || $0 == "/setup" }
            #expect(posts.count >= 25, "\(posts)")
            let ticket = try await t.store.write {
                try await t.coordinator.tickets.create(TicketInput(title: "Printer on fire", severity: 2), by: .console, in: $0)
            }
            let before = try await Self.state(t)
            let rest = posts.filter { !Self.beforeSignIn.contains($0) }
            #expect(Set(posts).subtracting(rest) == Self.beforeSignIn)
            try await t.test { client in
                var admin = BoardTests.Visitor(client: client.client)
                try await admin.logIn(t.accounts[.admin]!)
                var other = BoardTests.Visitor(client: client.client)
                try await other.logIn(t.accounts[.dispatcher]!)
                _ = try await other.get("/board")
                for template in rest {
                    // Any id in the path is the ticket's (or 1): the token is checked before anything is looked up.
                    let path = template.replacingOccurrences(of: "{id}", with: "\(ticket.id)").replacingOccurrences(
                        of: "{kind}", with: "customer")
                    let form = [
                        ("body", "x"), ("status", "in_progress"), ("name", "Forged"), ("login", "eve"), ("password", "eve wants the keys"),
                    ]
                    let missing = try await admin.post(path, form)
                    #expect(
                        missing.status == .forbidden && missing.html.contains("security token"),
                        "\(path) without a token: \(missing.status)")
                    let foreign = try await admin.post(path, form + [("csrf", other.csrf)])
                    #expect(foreign.status == .forbidden, "\(path) with another session's token: \(foreign.status)")
                }
                // The sign-in forms refuse a post without their own token too.
                for path in Self.beforeSignIn {
                    var stranger = BoardTests.Visitor(client: client.client)
                    let answer = try await stranger.post(path, [("login", "root"), ("password", "x"), ("code", "123456")])
                    #expect([.forbidden, .badRequest].contains(answer.status), "\(path): \(answer.status)")
                }
                #expect(try await Self.state(t) == before)
            }
        }
    }

    /// What any of those forms could have changed.
    static func state(_ t: TestCoordinator) async throws -> String {
        let principal = Principal.console
        let tickets = try await t.coordinator.tickets.list(TicketFilter(), before: nil, limit: 100, by: principal).items
        let events = try await t.coordinator.tickets.latestChange(by: principal)
        let users = try await t.coordinator.accounts.users(by: principal).map { "\($0.login) \($0.active)" }
        let tokens = try await t.coordinator.credentials.tokens().map(\.id)
        let customers = try await t.coordinator.inventory.records(CustomerFields.self, after: nil, limit: 100, by: principal).items.map(
            \.fields.name)
        let visits = try await t.coordinator.visits.list(technician: nil, ticket: nil, window: nil, by: principal).count
        return "\(tickets.map { "\($0.id) \($0.status) \($0.assigneeId ?? 0)" }) \(events) \(users) \(tokens) \(customers) \(visits)"
    }
}
