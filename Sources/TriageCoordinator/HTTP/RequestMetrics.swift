import Dispatch
import Hummingbird
import Metrics
import Prometheus
import Synchronization

/// The coordinator's Prometheus registry: requests by route, method and status, their latency,
/// and tickets by status (refreshed at each scrape). One registry per application, so tests
/// running several applications in one process do not mix their figures.
public final class CoordinatorMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    private let reportedRetries = Mutex(0)

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["triage_http_request_duration_seconds"] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.factory = factory
    }

    func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
        Counter(label: "triage_http_requests_total",
                dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
            .increment()
        Timer(label: "triage_http_request_duration_seconds", dimensions: [("route", route), ("method", method)],
              factory: factory)
            .recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// The PostgreSQL store's count of writes run again after losing a race to another transaction.
    func setWriteRetries(_ total: Int) {
        let delta = reportedRetries.withLock { reported in
            defer { reported = max(reported, total) }
            return total - reported
        }
        let counter = Counter(label: "triage_store_write_retries_total", factory: factory)
        if delta > 0 { counter.increment(by: delta) }
    }

    func setTickets(_ counts: [TicketStatus: Int]) {
        for status in TicketStatus.allCases {
            Gauge(label: "triage_tickets", dimensions: [("status", status.rawValue)], factory: factory)
                .record(counts[status] ?? 0)
        }
    }
}

/// Outermost middleware: sees the final status of every request, errors included.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CoordinatorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        metrics.record(route: context.endpointPath ?? "NotFound", method: request.method.rawValue,
                       status: response.status.code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        return response
    }
}
