import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// Visit proposals, booking and the visit lifecycle.
struct VisitRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    /// Visit proposals, booking and the visit lifecycle (docs/coordinator.md, "On-site visits").
    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        group.get("/tickets/{id}/visit-slots") { request, context in
            let query = Query(request)
            let slots = try await coordinator.visits.slots(
                ticket: try Query.id(context), from: try query.date("from"), days: try query.int("days", 1...31) ?? 14,
                minutes: try query.int("duration", 15...720) ?? 60, limit: try query.int("limit", 1...200) ?? 20,
                by: try context.caller())
            return JSONBody.response(["items": slots])
        }
        group.post("/visits") { request, context in
            let (booking, bytes) = try await JSONBody.decode(VisitBooking.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                let visit = try await coordinator.visits.book(booking, by: principal, in: session)
                return try IdempotentWrite.json(visit, status: .created, location: "/api/v1/visits/\(visit.id)")
            }
        }
        group.get("/visits") { request, context in
            let query = Query(request)
            let from = try query.date("from")
            let to = try query.date("to")
            let window = from.map { DateInterval(start: $0, end: max($0, to ?? .distantFuture)) }
            return JSONBody.response([
                "items": try await coordinator.visits.list(
                    technician: try query.int("technicianId", 1...Int.max), ticket: try query.int("ticketId", 1...Int.max),
                    window: window, by: try context.caller())
            ])
        }
        group.get("/visits/{id}") { _, context in
            JSONBody.response(try await coordinator.visits.visit(try Query.id(context), by: try context.caller()))
        }
        group.post("/visits/{id}/status") { request, context in
            let id = try Query.id(context)
            let (change, bytes) = try await JSONBody.decode(VisitStatusChange.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.visits.changeStatus(visit: id, change, by: principal, in: session))
            }
        }
        group.post("/visits/{id}/reschedule") { request, context in
            let id = try Query.id(context)
            let (change, bytes) = try await JSONBody.decode(VisitReschedule.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.visits.reschedule(visit: id, to: change, by: principal, in: session))
            }
        }
    }
}
