import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TriageAPI
import TriageBoard
import TriageDomain
import TriageEdge
import TriageMailTransport
import TriageStorage

/// Builds the coordinator from its configuration: the store, the domain, the HTTP application.
/// `triage serve` and the tests use the same factory.
public enum CoordinatorServer {
    /// Opens (creating the data directory if needed) and migrates the configured store.
    public static func openStore(_ configuration: CoordinatorConfiguration, logger: Logger) async throws
        -> any TriageStore
    {
        try configuration.validate()
        switch try configuration.databaseLocation() {
        case .sqlite(let path):
            if !configuration.dataDirectory.isEmpty { try PrivateFiles.folder(configuration.dataDirectory) }
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) { try PrivateFiles.folder(folder) }
            try PrivateFiles.database(path)
            return try await migrated(SQLiteStore.open(path: path, synchronous: configuration.sqliteSynchronous, logger: logger))
        case .postgres(let url):
            // Nothing of the database is in the data folder: made only when something is written there.
            if FileManager.default.fileExists(atPath: configuration.dataDirectory) { try PrivateFiles.folder(configuration.dataDirectory) }
            return try await migrated(PostgresStore.open(url: url, logger: logger))
        }
    }

    private static func migrated(_ store: any TriageStore) async throws -> any TriageStore {
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// The router with every route; exposed so tests can list its routes.
    public static func router(
        coordinator: Coordinator, configuration: CoordinatorConfiguration,
        metrics: CoordinatorMetrics
    ) throws -> Router<TriageRequestContext> {
        let zoneName = configuration.board.timeZone ?? configuration.sla.calendar.timeZone
        let bell = JobBell(coordinator: coordinator, logger: Logger(label: "triage.jobs"))
        let board = try Board(
            coordinator: coordinator, policy: configuration.board, zone: TimeZone(identifier: zoneName) ?? .gmt,
            bell: bell, bodyLimit: configuration.maxBodyBytes, trustedProxies: Set(configuration.http.trustedProxies))
        let router = Router(context: TriageRequestContext.self)
        let table = RouteTable()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware(routes: table))
        router.add(
            middleware: BodyDeadlineMiddleware(
                policy: configuration.http, maxBodyBytes: configuration.maxBodyBytes,
                coordinator: coordinator))
        OperationsRoutes(coordinator: coordinator, metrics: metrics, bell: bell).add(to: router)
        API(coordinator: coordinator, bodyLimit: configuration.maxBodyBytes, bell: bell).add(to: router)
        board.add(to: router)
        table.fill(router.routes.map { ($0.method.rawValue, $0.path.description) })
        return router
    }

    /// The application: HTTP server first to stop on SIGTERM (no new connections, in-flight
    /// requests finish), then the SLA scheduler, then the store closes.
    public static func application(
        coordinator: Coordinator, configuration: CoordinatorConfiguration, metrics: CoordinatorMetrics = .init(),
        logger: Logger, onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let (host, port) = try configuration.listenAddress()
        let counter = ConnectionCounter(limit: configuration.http.maxConnections, logger: logger)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionLimiter(counter: counter)],
            idleTimeout: .seconds(Int64(configuration.http.idleTimeoutSeconds)))
        return Application(
            router: try router(coordinator: coordinator, configuration: configuration, metrics: metrics),
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(host, port: port), serverName: "triage"),
            services: [
                StoreService(coordinator: coordinator),
                SLAScheduler(coordinator: coordinator, interval: .seconds(configuration.slaCheckSeconds), logger: logger),
                WebhookService(
                    coordinator: coordinator, transport: HTTPWebhookTransport(), interval: .seconds(configuration.webhooks.intervalSeconds),
                    logger: logger),
            ]
                + outbox(coordinator: coordinator, configuration.mail, logger: logger),
            onServerRunning: onServerRunning,
            logger: logger)
    }
}

extension CoordinatorServer {
    /// The outbox's sender when mail is on (`mail.address`): with mail off nothing is queued, nothing polls.
    static func outbox(coordinator: Coordinator, _ policy: MailPolicy, logger: Logger) -> [any Service] {
        guard policy.address != nil else { return [] }
        return [
            OutboxService(
                coordinator: coordinator, transport: OutboxService.transport(policy), interval: .seconds(policy.outboxSeconds),
                logger: logger)
        ]
    }
}

/// Closes the store once the HTTP server has drained.
struct StoreService: Service {
    let coordinator: Coordinator

    func run() async throws {
        try? await gracefulShutdown()
        try await coordinator.closeStore()
    }
}
