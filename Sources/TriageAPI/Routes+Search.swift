import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// GET /search?q=: tickets and parties matching the words (docs/search.md).
struct SearchRoutes: APIController {
    let coordinator: Coordinator

    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        group.get("/search") { request, context in
            guard let text = Query(request).string("q"), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CoordinatorError.invalid("q", "is required: the words to look for")
            }
            return JSONBody.response(try await coordinator.tickets.search(text, by: try context.caller()))
        }
    }
}
