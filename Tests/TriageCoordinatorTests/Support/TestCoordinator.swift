import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import TriageAPI
import TriageBoard
import TriageCoordinator
import TriageDomain
import TriageEdge
import TriageMailTransport
import TriageModel
import TriageStorage

/// A coordinator on a real SQLite file in a temp folder, with a clock the test sets, one
/// token per role, and the HTTP application built by the same factory `triage serve` uses.
final class TestCoordinator: @unchecked Sendable {
    let folder: TempFolder
    let database: TestDatabase
    let store: any TriageStore
    let coordinator: Coordinator
    let clock: TestClock
    let configuration: CoordinatorConfiguration
    var tokens: [Role: String] = [:]
    /// A person's account per role but agent (the same names as the tokens): what the board signs in with.
    var accounts: [Role: Account] = [:]

    struct Account: Sendable {
        let login: String
        let password: String
    }

    /// bcrypt at its lowest cost: the tests sign in often, and the cost is the library's business.
    static let accountPolicy = AccountPolicy(bcryptCost: 4)
    /// A site, host and technician the tokens and tickets can refer to.
    var customerId = 0, siteId = 0, hostId = 0, otherHostId = 0, technicianId = 0, otherTechnicianId = 0

    static let logger = Logger(label: "test")

    /// `people: false` makes no accounts (the first start, before setup).
    init(
        maxBodyBytes: Int = 1 << 20, sla: SLAPolicy = .standard, visits: VisitPolicy = .init(), limits: StoreLimits = .init(),
        people: Bool = true, accountPolicy: AccountPolicy = TestCoordinator.accountPolicy, mail: MailPolicy = .init(),
        assignment: AssignmentPolicy = .init(), webhooks: WebhookPolicy = .init()
    ) async throws {
        folder = try TempFolder()
        database = try TestDatabase()
        var configuration = CoordinatorConfiguration()
        configuration.dataDirectory = folder.path
        configuration.database = database.url
        configuration.maxBodyBytes = maxBodyBytes
        // The domain gets `mail`; the application's own outbox sender stays off (mail.address unset
        // in its configuration): the tests send the outbox themselves, through a transport they choose.
        self.configuration = configuration
        do {
            store = try await CoordinatorServer.openStore(configuration, logger: Self.logger)
        } catch {
            database.drop()
            throw error
        }
        clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        let clock = self.clock
        coordinator = Coordinator(
            store: store, sla: sla, assignment: assignment, visits: visits, accounts: accountPolicy, mail: mail, webhooks: webhooks,
            limits: limits, clock: { clock.now })
        tokens[.admin] = try await coordinator.credentials.issueToken(name: "root", role: .admin).secret
        tokens[.dispatcher] = try await coordinator.credentials.issueToken(name: "dora", role: .dispatcher).secret
        if people {
            accounts[.admin] = try await addAccount("root", .admin)
            accounts[.dispatcher] = try await addAccount("dora", .dispatcher)
        }
    }

    /// An account with a password of its own, as an admin makes one.
    @discardableResult
    func addAccount(_ login: String, _ role: Role, technicianId: Int? = nil) async throws -> Account {
        let account = Account(login: login, password: "\(login) keeps a long secret")
        _ = try await coordinator.accounts.create(
            UserInput(login: login, role: role, technicianId: technicianId),
            password: account.password, by: .console)
        return account
    }

    /// Customer, site, two hosts, two technicians, and a technician and an agent token.
    func withInventory() async throws -> TestCoordinator {
        let admin = Principal(tokenId: 1, name: "root", role: .admin)
        let ids = try await store.write { [coordinator] session in
            let customer = try await coordinator.inventory.create(CustomerFields(name: "Acme"), by: admin, in: session)
            let site = try await coordinator.inventory.create(
                SiteFields(customerId: customer.id, name: "HQ", region: "north", timeZone: "Europe/Berlin"),
                by: admin, in: session)
            let host = try await coordinator.inventory.create(HostFields(siteId: site.id, name: "web1"), by: admin, in: session)
            let other = try await coordinator.inventory.create(HostFields(siteId: site.id, name: "db1"), by: admin, in: session)
            let tech = try await coordinator.inventory.create(TechnicianFields(name: "Tess", tier: 2), by: admin, in: session)
            let otherTech = try await coordinator.inventory.create(TechnicianFields(name: "Otto"), by: admin, in: session)
            return [customer.id, site.id, host.id, other.id, tech.id, otherTech.id]
        }
        (customerId, siteId, hostId, otherHostId, technicianId, otherTechnicianId) =
            (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5])
        tokens[.technician] = try await coordinator.credentials.issueToken(name: "tess", role: .technician, technicianId: technicianId)
            .secret
        if !accounts.isEmpty { accounts[.technician] = try await addAccount("tess", .technician, technicianId: technicianId) }
        tokens[.agent] = try await coordinator.credentials.issueToken(name: "web1-agent", role: .agent, hostId: hostId).secret
        tokens[.collector] = try await coordinator.credentials.issueToken(
            name: "dc-east", role: .collector,
            scope: CollectorScope(sites: [siteId])
        ).secret
        tokens[.mailgate] = try await coordinator.credentials.issueToken(name: "postfix", role: .mailgate).secret
        tokens[.alertmanager] = try await coordinator.credentials.issueToken(name: "prometheus", role: .alertmanager).secret
        return self
    }

    func close() async throws {
        defer { database.drop() }
        try await store.close()
    }

    /// A coordinator for `body`, closed afterwards however `body` ends (sqlite-nio traps on a
    /// connection that is never closed).
    static func with(
        inventory: Bool = true, people: Bool = true, maxBodyBytes: Int = 1 << 20, sla: SLAPolicy = .standard,
        visits: VisitPolicy = .init(), limits: StoreLimits = .init(), accountPolicy: AccountPolicy = TestCoordinator.accountPolicy,
        mail: MailPolicy = .init(), assignment: AssignmentPolicy = .init(), webhooks: WebhookPolicy = .init(),
        _ body: (TestCoordinator) async throws -> Void
    ) async throws {
        let coordinator = try await TestCoordinator(
            maxBodyBytes: maxBodyBytes, sla: sla, visits: visits, limits: limits, people: people,
            accountPolicy: accountPolicy, mail: mail, assignment: assignment, webhooks: webhooks)
        do {
            if inventory { _ = try await coordinator.withInventory() }
            try await body(coordinator)
        } catch {
            try? await coordinator.close()
            throw error
        }
        try await coordinator.close()
    }

    /// Runs `body` against the application through HummingbirdTesting's router client.
    func test<T>(metrics: CoordinatorMetrics = .init(), _ body: @escaping @Sendable (Client) async throws -> T) async throws -> T {
        let app = try CoordinatorServer.application(
            coordinator: coordinator, configuration: configuration, metrics: metrics, logger: Self.logger)
        let tokens = self.tokens
        return try await app.test(.router) { client in try await body(Client(client: client, tokens: tokens)) }
    }

    /// A test client that speaks JSON with one role's token.
    struct Client: Sendable {
        let client: any TestClientProtocol
        let tokens: [Role: String]

        struct Reply: Sendable {
            let status: HTTPResponse.Status
            let headers: HTTPFields
            let body: String

            var json: [String: Any] {
                (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
            }
            var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
            var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
            var id: Int { json["id"] as? Int ?? -1 }
            var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
        }

        func send(
            _ method: HTTPRequest.Method, _ path: String, as role: Role? = .admin, token: String? = nil,
            json: String? = nil, headers extra: HTTPFields = [:]
        ) async throws -> Reply {
            var headers = extra
            if let secret = token ?? role.flatMap({ tokens[$0] }) { headers[.authorization] = "Bearer \(secret)" }
            if json != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
            let response = try await client.executeRequest(
                uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
            return Reply(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }

        func get(_ path: String, as role: Role? = .admin) async throws -> Reply {
            try await send(.get, path, as: role)
        }

        func post(_ path: String, _ json: String, as role: Role? = .admin, key: String? = nil) async throws -> Reply {
            var headers: HTTPFields = [:]
            if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
            return try await send(.post, path, as: role, json: json, headers: headers)
        }

        func patch(_ path: String, _ json: String, as role: Role? = .admin) async throws -> Reply {
            try await send(.patch, path, as: role, json: json)
        }
    }
}

/// The time the domain sees; tests move it.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(minutes: Double) { lock.withLock { current += minutes * 60 } }
}

/// The date a week from now (UTC), for bookings a test makes with the real clock.
enum InternetDay {
    static var inAWeek: String { String(ISO8601DateFormatter().string(from: Date() + 7 * 86_400).prefix(10)) }
}
