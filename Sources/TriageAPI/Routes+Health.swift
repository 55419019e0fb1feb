import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// Health reports from push agents and collectors, and a host's report history.
struct HealthRoutes: APIController {
    let coordinator: Coordinator
    let bodyLimit: Int

    /// Push agents' health reports, and what the coordinator knows of a host's checks.
    func add(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        group.post("/reports") { request, context in
            let query = Query(request)
            let interval = try query.int("interval", 1...86_400) ?? 60
            let host = try query.int("host", 1...Int.max)
            let (report, bytes) = try await JSONBody.decode(DiagnosticReport.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                let outcome = try await coordinator.health.receive(
                    report, intervalSeconds: interval, hostId: host, by: principal, in: session)
                return try IdempotentWrite.json(outcome, status: outcome.accepted ? .created : .ok)
            }
        }
        group.get("/hosts/{id}/reports") { request, context in
            let query = Query(request)
            let limit = try query.int("limit", 1...100) ?? 20
            let cursor = query.string("cursor").flatMap { $0.isEmpty ? nil : $0 }
            return JSONBody.response(
                try await coordinator.health.reports(
                    ofHost: try Query.id(context), cursor: cursor, limit: limit,
                    by: try context.caller()))
        }
        group.get("/hosts/{id}/checks") { _, context in
            JSONBody.response(["items": try await coordinator.health.checkStates(ofHost: try Query.id(context), by: try context.caller())])
        }
    }
}
