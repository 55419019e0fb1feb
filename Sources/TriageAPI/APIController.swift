import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// One room's routes under /api/v1 (docs/adding-a-route.md): a small type holding the few things
/// it uses, which adds its routes to the group behind the bearer token. `API` composes them.
protocol APIController: Sendable {
    var coordinator: Coordinator { get }
    func add(to group: RouterGroup<TriageRequestContext>)
}

extension APIController {
    /// Writes in one transaction with their Idempotency-Key answer.
    var writer: IdempotentWrite { IdempotentWrite(coordinator: coordinator) }
}
