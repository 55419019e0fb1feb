import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// One kind of inventory record under its path (`/customers`, `/sites`, …).
struct InventoryRoutes<F: InventoryFields & StrictInput>: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int
    let path: String

    /// POST/GET on the collection, GET/PUT/DELETE on one record. PUT replaces every field, with
    /// the same body as POST; what it leaves out takes its default.
    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        group.post(RouterPath(path)) { request, context in
            let (fields, bytes) = try await JSONBody.decode(F.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                let record = try await coordinator.inventory.create(fields, by: principal, in: session)
                return try IdempotentWrite.json(record, status: .created, location: "/api/v1\(path)/\(record.id)")
            }
        }
        group.get(RouterPath(path)) { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await coordinator.inventory.records(F.self, after: try query.cursor, limit: try query.limit, by: try context.caller()))
        }
        group.get(RouterPath("\(path)/{id}")) { _, context in
            JSONBody.response(try await coordinator.inventory.record(try Query.id(context), as: F.self, by: try context.caller()))
        }
        group.put(RouterPath("\(path)/{id}")) { request, context in
            let id = try Query.id(context)
            let (fields, bytes) = try await JSONBody.decode(F.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                try IdempotentWrite.json(try await coordinator.inventory.replace(id, with: fields, by: principal, in: session))
            }
        }
        group.delete(RouterPath("\(path)/{id}")) { request, context in
            let id = try Query.id(context)
            return try await writer.run(request, context, body: Data()) { session, principal in
                try await coordinator.inventory.delete(F.kind, id, by: principal, in: session)
                return IdempotentWrite.Result(status: .noContent, body: Data())
            }
        }
    }
}
