import Foundation
import TriageModel
import Hummingbird

/// The HTTP edge: routes under /api/v1 plus /healthz, /metrics, the OpenAPI document and the board.
struct API: Sendable {
    let coordinator: Coordinator
    let bodyLimit: Int
    let http: HTTPPolicy
    let metrics: CoordinatorMetrics
    let board: Board
    /// Wakes the runners long-polling for jobs (`JobBell.swift`).
    let bell: JobBell

    var writer: IdempotentWrite { IdempotentWrite(coordinator: coordinator) }

    func router() -> Router<TriageRequestContext> {
        let router = Router(context: TriageRequestContext.self)
        let table = RouteTable()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware(routes: table))
        router.add(middleware: BodyDeadlineMiddleware(policy: http, maxBodyBytes: bodyLimit, coordinator: coordinator))
        addOperations(to: router)
        let api = router.group("/api/v1")
        api.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        let secured = api.add(middleware: AuthMiddleware(coordinator: coordinator))
        addInventory(CustomerFields.self, at: "/customers", to: secured)
        addInventory(SiteFields.self, at: "/sites", to: secured)
        addInventory(ContactFields.self, at: "/contacts", to: secured)
        addInventory(HostFields.self, at: "/hosts", to: secured)
        addInventory(TechnicianFields.self, at: "/technicians", to: secured)
        addTickets(to: secured)
        addHealth(to: secured)
        addVisits(to: secured)
        addJobs(to: secured)
        addMail(to: secured)
        board.add(to: router)
        table.fill(router.routes.map { ($0.method.rawValue, $0.path.description) })
        return router
    }

    private func addOperations(to router: Router<TriageRequestContext>) {
        let coordinator = self.coordinator
        let metrics = self.metrics
        let bell = self.bell
        router.get("/healthz") { _, _ in
            _ = try await coordinator.store.read { try await $0.exists(.customer, 1) }
            return JSONBody.response(["status": "ok"] as JSONValue)
        }
        router.get("/metrics") { _, _ in
            metrics.setTickets(try await coordinator.store.read { try await $0.ticketCountsByStatus(TicketFilter()) })
            if let store = coordinator.store as? PostgresStore { metrics.setWriteRetries(store.writeRetries) }
            metrics.setWaitingPolls(await bell.waiting)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
