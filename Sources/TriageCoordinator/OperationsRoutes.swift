import Foundation
import Hummingbird
import TriageDomain
import TriageEdge
import TriageModel

/// /healthz and /metrics: what a load balancer and Prometheus ask (is the store answering, what it
/// holds, how often PostgreSQL retried a write, how many runners wait for a job).
struct OperationsRoutes: Sendable {
    let coordinator: Coordinator
    let metrics: CoordinatorMetrics
    let bell: JobBell

    func add(to router: Router<TriageRequestContext>) {
        let (coordinator, metrics, bell) = (coordinator, metrics, bell)
        router.get("/healthz") { _, _ in
            try await coordinator.probe()
            return JSONBody.response(["status": "ok"] as JSONValue)
        }
        router.get("/metrics") { _, _ in
            metrics.setTickets(try await coordinator.ticketCounts())
            if let retries = coordinator.storeWriteRetries { metrics.setWriteRetries(retries) }
            metrics.setWaitingPolls(await bell.waiting)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
