import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// The REST API under /api/v1 (docs/coordinator.md): its OpenAPI document, then every route behind
/// the bearer token. Each room's routes are an `APIController`; they call the domain, never the store.
package struct API: Sendable {
    let coordinator: Coordinator
    let bodyLimit: Int
    /// Wakes the runners long-polling for jobs (`JobBell.swift`).
    let bell: JobBell

    package init(coordinator: Coordinator, bodyLimit: Int, bell: JobBell) {
        self.coordinator = coordinator
        self.bodyLimit = bodyLimit
        self.bell = bell
    }

    package func add(to router: Router<TriageRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        let secured = api.add(middleware: AuthMiddleware(coordinator: coordinator))
        let (coordinator, limit) = (coordinator, bodyLimit)
        let controllers: [any APIController] = [
            InventoryRoutes<CustomerFields>(coordinator: coordinator, bodyLimit: limit, path: "/customers"),
            InventoryRoutes<SiteFields>(coordinator: coordinator, bodyLimit: limit, path: "/sites"),
            InventoryRoutes<ContactFields>(coordinator: coordinator, bodyLimit: limit, path: "/contacts"),
            InventoryRoutes<HostFields>(coordinator: coordinator, bodyLimit: limit, path: "/hosts"),
            InventoryRoutes<TechnicianFields>(coordinator: coordinator, bodyLimit: limit, path: "/technicians"),
            TicketRoutes(coordinator: coordinator, bodyLimit: limit),
            HealthRoutes(coordinator: coordinator, bodyLimit: limit),
            VisitRoutes(coordinator: coordinator, bodyLimit: limit),
            JobRoutes(coordinator: coordinator, bodyLimit: limit, bell: bell),
            MailRoutes(coordinator: coordinator, bodyLimit: limit),
            SearchRoutes(coordinator: coordinator),
            TimeRoutes(coordinator: coordinator, bodyLimit: limit),
            NotificationRoutes(coordinator: coordinator, bodyLimit: limit),
            WebhookRoutes(coordinator: coordinator, bodyLimit: limit),
            AlertRoutes(coordinator: coordinator, bodyLimit: limit),
            LinkRoutes(coordinator: coordinator, bodyLimit: limit),
        ]
        for controller in controllers { controller.add(to: secured) }
    }
}
