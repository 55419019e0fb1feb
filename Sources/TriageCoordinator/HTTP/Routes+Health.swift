import Foundation
import Hummingbird
import TriageModel

extension API {
    /// Push agents' health reports, and what the coordinator knows of a host's checks.
    func addHealth(to group: RouterGroup<TriageRequestContext>) {
        let coordinator = self.coordinator
        let limit = bodyLimit
        group.post("/reports") { request, context in
            let interval = try Query(request).int("interval", 10...86_400) ?? 60
            let (report, bytes) = try await JSONBody.decode(DiagnosticReport.self, from: request, limit: limit)
            return try await writer.run(request, context, body: bytes) { session, principal in
                let outcome = try await coordinator.receiveReport(report, intervalSeconds: interval, by: principal, in: session)
                return try IdempotentWrite.json(outcome, status: outcome.accepted ? .created : .ok)
            }
        }
        group.get("/hosts/{id}/checks") { _, context in
            JSONBody.response(["items": try await coordinator.checkStates(ofHost: try Query.id(context), by: try context.caller())])
        }
    }
}
