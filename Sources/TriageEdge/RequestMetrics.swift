import Dispatch
import Hummingbird
import Prometheus
import Synchronization
import TriageDomain

/// The coordinator's Prometheus registry: requests by route, method and status, their latency,
/// tickets by status and the jobs' waiting long polls (refreshed at each scrape). One registry per application, so tests
/// running several applications in one process do not mix their figures. Every family has
/// HELP text (`promtool check metrics` in Tests/Live/run.sh). The descriptors are computed:
/// swift-prometheus does not mark them Sendable.
public final class CoordinatorMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let reportedRetries = Mutex(0)

    package static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "triage", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered, by route pattern, method and status code.")
    }
    package static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "triage", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from a request's arrival to its answer, by route pattern and method.")
    }
    package static var retries: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "triage", subsystem: "store", metricName: "write_retries", unitName: "total",
            helpText: "Writes run again after losing a race to another transaction (PostgreSQL).")
    }
    package static var tickets: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "triage", metricName: "tickets", unitName: "",
            helpText: "Tickets in the store, by status, when this page was made.")
    }
    package static var waitingPolls: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "triage", subsystem: "jobs", metricName: "polls_waiting", unitName: "",
            helpText: "Push agents' and collectors' long polls waiting for a job on this instance, when this page was made.")
    }
    package static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    public init() {}

    package func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route), ("method", method)], buckets: Self.buckets)
            .recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// The PostgreSQL store's count of writes run again after losing a race to another transaction.
    package func setWriteRetries(_ total: Int) {
        let delta = reportedRetries.withLock { reported in
            defer { reported = max(reported, total) }
            return total - reported
        }
        let counter = registry.makeCounter(descriptor: Self.retries)
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }

    package func setWaitingPolls(_ count: Int) {
        registry.makeGauge(descriptor: Self.waitingPolls).set(Int64(count))
    }

    package func setTickets(_ counts: [TicketStatus: Int]) {
        for status in TicketStatus.allCases {
            registry.makeGauge(descriptor: Self.tickets, labels: [("status", status.rawValue)]).set(Int64(counts[status] ?? 0))
        }
    }
}

/// Outermost middleware: sees the final status of every request, errors included.
package struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    package let metrics: CoordinatorMetrics

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        metrics.record(
            route: context.endpointPath ?? "NotFound", method: request.method.rawValue,
            status: response.status.code, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        return response
    }

    package init(metrics: CoordinatorMetrics) {
        self.metrics = metrics
    }
}
