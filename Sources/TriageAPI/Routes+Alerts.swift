import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

extension AlertHostMapping: StrictInput { package typealias Field = CodingKeys }

/// Prometheus Alertmanager in (docs/alertmanager.md): its webhook (an alertmanager token's one
/// route), and the label values no host answers to, for the admin to map.
struct AlertRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    func add(to group: RouterGroup<TriageRequestContext>) {
        let (alerts, limit) = (coordinator.alerts, bodyLimit)
        group.post("/alertmanager") { request, context in
            try JSONBody.requireJSON(request.headers[.contentType])
            let principal = try context.caller()
            let bytes = Data(buffer: try await request.body.collect(upTo: limit))
            guard (try? JSONSerialization.jsonObject(with: bytes)) is [String: Any] else {
                throw CoordinatorError(.malformedJSON, "the body is not a JSON object")
            }
            // Read leniently: Alertmanager adds fields over time (docs/alertmanager.md).
            let notification: AlertmanagerNotification
            do {
                notification = try JSONDecoder().decode(AlertmanagerNotification.self, from: bytes)
            } catch let error as DecodingError {
                throw CoordinatorError(.invalid, "not an Alertmanager webhook notification: \(Self.words(error))")
            } catch {
                throw CoordinatorError(.malformedJSON, "the body is not valid JSON")
            }
            return JSONBody.response(try await alerts.receive(notification, by: principal))
        }
        group.get("/alertmanager/unmapped") { _, context in
            JSONBody.response(Items(items: try await alerts.unmapped(by: try context.caller())))
        }
        group.post("/alertmanager/mappings") { request, context in
            let (input, _) = try await JSONBody.decode(AlertHostMapping.self, from: request, limit: limit)
            return JSONBody.response(try await alerts.map(input.value, toHost: input.hostId, by: try context.caller()))
        }
    }

    struct Items<T: Encodable>: Encodable { var items: [T] }

    static func words(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}
