import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// Merging a duplicate into another ticket, and links between tickets (docs/board.md, "Merge and link").
struct LinkRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    struct MergeInput: StrictInput {
        var into: Int
        enum Field: String, CodingKey, CaseIterable { case into }
        typealias CodingKeys = Field
    }
    struct LinkInput: StrictInput {
        var other: Int
        var relation: TicketRelation
        enum Field: String, CodingKey, CaseIterable { case other, relation }
        typealias CodingKeys = Field
    }
    struct LinkLine: Encodable {
        var ticketId: Int
        var title: String
        var status: TicketStatus
        var relation: TicketRelation
    }
    struct LinkList: Encodable { var items: [LinkLine] }

    func add(to group: RouterGroup<TriageRequestContext>) {
        let (coordinator, limit) = (coordinator, bodyLimit)
        group.post("/tickets/{id}/merge") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(MergeInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.tickets.merge(id, into: input.into, by: principal, in: session))
            }
        }
        group.get("/tickets/{id}/links") { _, context in
            let links = try await coordinator.tickets.links(ofTicket: try Query.id(context), by: try context.caller())
            return JSONBody.response(
                LinkList(
                    items: links.map {
                        LinkLine(ticketId: $0.ticket.id, title: $0.ticket.title, status: $0.ticket.status, relation: $0.relation)
                    }))
        }
        group.post("/tickets/{id}/links") { request, context in
            let id = try Query.id(context)
            let (input, bytes) = try await JSONBody.decode(LinkInput.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try await coordinator.tickets.link(id, to: input.other, as: input.relation, by: principal, in: session)
                return try IdempotentWrite.json(try await coordinator.tickets.ticket(id, by: principal))
            }
        }
        group.delete("/tickets/{id}/links/{other}") { request, context in
            let id = try Query.id(context)
            guard let other = context.parameters.get("other").flatMap(Int.init) else {
                throw CoordinatorError(.badRequest, "the other ticket must be a number")
            }
            return try await writer.run(request, context, body: Data()) { session, principal in
                try await coordinator.tickets.unlink(id, from: other, by: principal, in: session)
                return try IdempotentWrite.json(try await coordinator.tickets.ticket(id, by: principal))
            }
        }
    }
}
