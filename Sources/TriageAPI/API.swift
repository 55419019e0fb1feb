import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// The REST API under /api/v1 (docs/coordinator.md): its OpenAPI document, then every route behind
/// the bearer token. Each route file adds one room's routes; they call the domain, never the store.
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

    var writer: IdempotentWrite { IdempotentWrite(coordinator: coordinator) }

    package func add(to router: Router<TriageRequestContext>) {
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
    }
}
