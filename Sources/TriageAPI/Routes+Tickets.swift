import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// Tickets: create, list, change, comment, reopen, acknowledge, escalate, assign, diagnoses, history.
struct TicketRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        group.post("/tickets") { request, context in
            let (input, bytes) = try await JSONBody.decode(TicketInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                let ticket = try await coordinator.tickets.create(input, by: principal, in: session)
                return try IdempotentWrite.json(ticket, status: .created, location: "/api/v1/tickets/\(ticket.id)")
            }
        }
        group.get("/tickets") { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await coordinator.tickets.list(
                    try Self.filter(query), before: try query.cursor, limit: try query.limit,
                    by: try context.caller()))
        }
        group.get("/tickets/{id}") { _, context in
            JSONBody.response(try await coordinator.tickets.ticket(try Query.id(context), by: try context.caller()))
        }
        group.patch("/tickets/{id}") { request, context in
            let id = try Query.id(context)
            let (patch, bytes) = try await JSONBody.decode(TicketPatch.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.tickets.update(id, patch, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/reopen") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(ReopenInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.tickets.reopen(id, input, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/acknowledge") { request, context in
            let id = try Query.id(context)
            return try await writer.run(request, context, body: Data()) { session, principal in
                try IdempotentWrite.json(try await coordinator.tickets.acknowledge(ticket: id, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/assign") { request, context in
            let id = try Query.id(context)
            try await JSONBody.requireEmpty(request, limit: limit)
            return try await writer.run(request, context, body: Data()) { session, principal in
                try IdempotentWrite.json(try await coordinator.dispatch.assign(ticket: id, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/take") { request, context in
            let id = try Query.id(context)
            try await JSONBody.requireEmpty(request, limit: limit)
            return try await writer.run(request, context, body: Data()) { session, principal in
                try IdempotentWrite.json(try await coordinator.dispatch.take(ticket: id, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/escalate") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(EscalationInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.dispatch.escalate(ticket: id, input, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/vendor-case") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(VendorCaseInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.dispatch.recordVendorCase(ticket: id, input, by: principal, in: session))
            }
        }
        group.post("/tickets/{id}/comments") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(CommentInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(
                    try await coordinator.tickets.comment(onTicket: id, input, by: principal, in: session),
                    status: .created)
            }
        }
        group.post("/tickets/{id}/diagnostics") { request, context in
            let id = try Query.id(context)
            let (report, bytes) = try await JSONBody.decode(DiagnosticReport.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                let (diagnostic, created) = try await coordinator.diagnoses.attach(report, toTicket: id, by: principal, in: session)
                return try IdempotentWrite.json(diagnostic, status: created ? .created : .ok)
            }
        }
        group.post("/tickets/{id}/diagnostics/{reportId}/apply") { request, context in
            let id = try Query.id(context)
            let reportId = try Query.uuid(context, "reportId")
            try await JSONBody.requireEmpty(request, limit: limit)
            return try await writer.run(request, context, body: Data()) { session, principal in
                try IdempotentWrite.json(try await coordinator.diagnoses.apply(reportId, ofTicket: id, by: principal, in: session))
            }
        }
        group.get("/tickets/{id}/diagnostics") { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await coordinator.diagnoses.list(
                    ofTicket: try Query.id(context), after: try query.cursor,
                    limit: try query.limit, by: try context.caller()))
        }
        group.get("/tickets/{id}/events") { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await coordinator.tickets.events(
                    ofTicket: try Query.id(context), after: try query.cursor,
                    limit: try query.limit, by: try context.caller()))
        }
    }

    static func filter(_ query: Query) throws -> TicketFilter {
        var filter = TicketFilter()
        filter.statuses = try query.list("status").map { text in
            guard let status = TicketStatus(rawValue: text) else {
                throw CoordinatorError(
                    .badRequest,
                    "status '\(text)' is not one of \(TicketStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
        filter.severity = try query.int("severity", 1...4)
        filter.tier = try query.int("tier", 1...3)
        filter.assigneeId = try query.int("assigneeId", 1...Int.max)
        filter.customerId = try query.int("customerId", 1...Int.max)
        filter.hostId = try query.int("hostId", 1...Int.max)
        filter.onsite = try query.bool("onsite")
        filter.text = try query.text("q")
        return filter
    }
}
