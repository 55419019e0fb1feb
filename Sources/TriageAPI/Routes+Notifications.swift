import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

extension NotificationSettings: StrictInput { package typealias Field = CodingKeys }
extension NotificationReadInput: StrictInput { package typealias Field = CodingKeys }

/// The caller's own notifications and choices (docs/notifications.md). Both writes are the same
/// when repeated, so they need no Idempotency-Key.
struct NotificationRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    func add(to group: RouterGroup<TriageRequestContext>) {
        let (coordinator, limit) = (coordinator, bodyLimit)
        group.get("/notifications") { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await coordinator.notifications.list(
                    unreadOnly: try query.bool("unread") ?? false, before: try query.cursor, limit: try query.limit,
                    by: try context.caller()))
        }
        group.post("/notifications/read") { request, context in
            let (input, _) = try await JSONBody.decode(NotificationReadInput.self, from: request, limit: limit)
            let principal = try context.caller()
            let marked = try await coordinator.notifications.markRead(input, by: principal)
            return JSONBody.response(ReadResult(marked: marked, unread: try await coordinator.notifications.unread(by: principal)))
        }
        group.get("/notifications/settings") { _, context in
            JSONBody.response(try await coordinator.notifications.settings(by: try context.caller()))
        }
        group.put("/notifications/settings") { request, context in
            let (input, _) = try await JSONBody.decode(NotificationSettings.self, from: request, limit: limit)
            return JSONBody.response(try await coordinator.notifications.saveSettings(input, by: try context.caller()))
        }
    }

    struct ReadResult: Encodable {
        var marked: Int
        var unread: Int
    }
}
