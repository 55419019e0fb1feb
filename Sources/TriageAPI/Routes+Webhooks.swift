import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

extension WebhookEndpointInput: StrictInput { package typealias Field = CodingKeys }

/// Webhook endpoints, their secrets and their delivery log (docs/webhooks.md), the admin's. The
/// answers that carry a new secret are not kept for Idempotency-Key replay: a secret is shown
/// once, and the idempotency records are no place for it.
struct WebhookRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    func add(to group: RouterGroup<TriageRequestContext>) {
        let (webhooks, limit) = (coordinator.webhooks, bodyLimit)
        group.get("/webhooks") { _, context in
            JSONBody.response(Items(items: try await webhooks.endpoints(by: try context.caller())))
        }
        group.post("/webhooks") { request, context in
            let (input, _) = try await JSONBody.decode(WebhookEndpointInput.self, from: request, limit: limit)
            let (endpoint, secret) = try await webhooks.create(input, by: try context.caller())
            var response = JSONBody.response(WithSecret(endpoint: endpoint, secret: secret), status: .created)
            response.headers[.location] = "/api/v1/webhooks/\(endpoint.id)"
            return response
        }
        group.get("/webhooks/{id}") { _, context in
            JSONBody.response(try await webhooks.endpoint(try Query.id(context), by: try context.caller()))
        }
        group.patch("/webhooks/{id}") { request, context in
            let id = try Query.id(context)
            let (input, _) = try await JSONBody.decode(WebhookEndpointInput.self, from: request, limit: limit)
            return JSONBody.response(try await webhooks.update(id, input, by: try context.caller()))
        }
        group.delete("/webhooks/{id}") { _, context in
            try await webhooks.delete(try Query.id(context), by: try context.caller())
            return Response(status: .noContent)
        }
        group.post("/webhooks/{id}/secrets") { _, context in
            let (endpoint, secret) = try await webhooks.rotateSecret(try Query.id(context), by: try context.caller())
            return JSONBody.response(WithSecret(endpoint: endpoint, secret: secret), status: .created)
        }
        group.post("/webhooks/{id}/secrets/retire") { _, context in
            JSONBody.response(try await webhooks.retireOldSecret(try Query.id(context), by: try context.caller()))
        }
        group.post("/webhooks/{id}/test") { _, context in
            JSONBody.response(try await webhooks.sendTest(try Query.id(context), by: try context.caller()), status: .accepted)
        }
        group.get("/webhooks/{id}/deliveries") { request, context in
            let query = Query(request)
            return JSONBody.response(
                try await webhooks.deliveries(
                    endpoint: try Query.id(context), before: try query.cursor, limit: try query.limit, by: try context.caller()))
        }
        group.get("/webhooks/{id}/deliveries/{deliveryId}") { _, context in
            let (delivery, attempts) = try await webhooks.delivery(
                try Query.id(context, "deliveryId"), endpoint: try Query.id(context), by: try context.caller())
            return JSONBody.response(DeliveryWithAttempts(delivery: delivery, attempts: attempts))
        }
        group.post("/webhooks/{id}/deliveries/{deliveryId}/redeliver") { _, context in
            JSONBody.response(
                try await webhooks.redeliver(
                    try Query.id(context, "deliveryId"), endpoint: try Query.id(context), by: try context.caller()),
                status: .accepted)
        }
    }

    struct Items<T: Encodable>: Encodable { var items: [T] }

    struct WithSecret: Encodable {
        var endpoint: WebhookEndpoint
        /// Shown once: the receiver verifies with it (`whsec_…`).
        var secret: String
    }

    struct DeliveryWithAttempts: Encodable {
        var delivery: WebhookDelivery
        var attempts: [WebhookAttempt]
    }
}
