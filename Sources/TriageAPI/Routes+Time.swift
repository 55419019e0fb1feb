import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

extension TimeEntryInput: StrictInput { package typealias Field = CodingKeys }

/// Time spent on a ticket: log it, list it (docs/board.md, "Time").
struct TimeRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    func add(to group: RouterGroup<TriageRequestContext>) {
        let (coordinator, limit) = (coordinator, bodyLimit)
        group.post("/tickets/{id}/time") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(TimeEntryInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(
                    try await coordinator.tickets.logTime(onTicket: id, input, by: principal, in: session), status: .created)
            }
        }
        group.get("/tickets/{id}/time") { _, context in
            JSONBody.response(
                TimeList(items: try await coordinator.tickets.timeEntries(ofTicket: try Query.id(context), by: try context.caller())))
        }
    }

    struct TimeList: Encodable {
        var items: [TimeEntry]
    }
}
