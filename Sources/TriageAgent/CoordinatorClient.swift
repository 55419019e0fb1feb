import TriageHTTP
import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why the coordinator did not take a request: it could not be reached, or it answered no.
public enum CoordinatorClientError: Error, CustomStringConvertible, Equatable {
    case badURL(String)
    case unreachable(url: String, reason: String)
    /// An HTTP status with the coordinator's own message.
    case refused(status: Int, message: String)

    public var description: String {
        switch self {
        case .badURL(let url): "'\(url)' is not a coordinator URL: write http://HOST:PORT or https://HOST"
        case .unreachable(let url, let reason): "coordinator \(url) is unreachable: \(reason)"
        case .refused(let status, let message): "the coordinator refused it (\(status)): \(message)"
        }
    }

    /// Worth trying again later: no answer, or the coordinator's own fault (5xx, 429).
    public var isTransient: Bool {
        switch self {
        case .badURL: false
        case .unreachable: true
        case .refused(let status, _): status >= 500 || status == 429 || status == 408
        }
    }
}

/// The agent's side of the REST API, over `TriageHTTP.HTTPClient`: attach a diagnosis to a
/// ticket, deliver a health report, list the hosts, take and finish jobs. Every post carries the
/// report id as its Idempotency-Key, so a retry after a lost answer is stored once.
public struct CoordinatorClient: Sendable {
    public let base: URL
    let token: String
    /// Seconds each request may take (a long poll: its wait and this).
    public var timeout: Double
    /// A connection per request, so a collector's long polls never queue its `start` and `result`
    /// behind them (with URLSession's six connections per host a job waited 25 s in `leased`).
    let http: HTTPClient

    /// `caFile`: a PEM file of the authorities to trust for an https coordinator instead of the
    /// system's store.
    public init(url: String, token: String, timeout: Double = 30, caFile: String? = nil) throws {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let base = URL(string: trimmed), let scheme = base.scheme, ["http", "https"].contains(scheme),
            base.host != nil
        else { throw CoordinatorClientError.badURL(url) }
        self.base = base
        self.token = token
        self.timeout = timeout
        http = HTTPClient(configuration: .init(caFile: caFile))
    }

    public enum Attached: Equatable, Sendable {
        case created
        /// The report id was attached before; nothing changed.
        case alreadyAttached
    }

    public func attach(_ report: DiagnosticReport, toTicket id: Int) async throws -> Attached {
        let (status, _) = try await post("/api/v1/tickets/\(id)/diagnostics", report)
        return status == 201 ? .created : .alreadyAttached
    }

    /// Posts a health report: from a push agent about its own host (`interval` promised), or
    /// from a sweep about the coordinator's host `hostId`.
    public func deliver(_ report: DiagnosticReport, interval: Int? = nil, hostId: Int? = nil) async throws -> ReportReceipt {
        let query = [interval.map { "interval=\($0)" }, hostId.map { "host=\($0)" }].compactMap { $0 }
        let (_, body) = try await post("/api/v1/reports" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), report)
        guard let receipt = try? JSONDecoder().decode(ReportReceipt.self, from: body) else {
            throw CoordinatorClientError.refused(status: 200, message: "the answer is not a report receipt: \(Self.message(in: body))")
        }
        return receipt
    }

    /// Every host the coordinator knows (GET /api/v1/hosts, page after page).
    public func hosts() async throws -> [RegisteredHost] {
        struct Page: Decodable {
            var items: [RegisteredHost]
            var nextCursor: String?
        }
        var all: [RegisteredHost] = []
        var cursor = ""
        while true {
            let path = "/api/v1/hosts?limit=200" + (cursor.isEmpty ? "" : "&cursor=\(cursor)")
            let body = try await get(path)
            guard let page = try? JSONDecoder().decode(Page.self, from: body) else {
                throw CoordinatorClientError.refused(status: 200, message: "the answer is not a page of hosts: \(Self.message(in: body))")
            }
            all += page.items
            guard let next = page.nextCursor, !next.isEmpty else { return all }
            cursor = next
        }
    }

    // MARK: Diagnosis jobs

    /// Long-polls for a job this token may run: one as soon as there is one, nil after `wait`
    /// seconds without.
    public func nextJob(wait: Int) async throws -> JobAssignment? {
        let (status, body) = try await send("GET", "/api/v1/agent/jobs?wait=\(wait)", timeout: Double(wait) + timeout)
        if status == 204 { return nil }
        guard let job = try? JSONDecoder().decode(JobAssignment.self, from: body) else {
            throw CoordinatorClientError.refused(status: status, message: "the answer is not a job: \(Self.message(in: body))")
        }
        return job
    }

    /// Says the job's checks are starting; its lease runs for another full term.
    public func startJob(_ job: JobAssignment.Job) async throws {
        _ = try await send("POST", "/api/v1/jobs/\(job.id)/start?lease=\(job.lease)")
    }

    /// Posts a job's result under its lease (a refusal — the lease was taken over — is a `refused` 409).
    public func finishJob(_ job: JobAssignment.Job, with report: DiagnosticReport) async throws {
        _ = try await post("/api/v1/jobs/\(job.id)/result?lease=\(job.lease)", report)
    }

    /// The hosts a collector token serves.
    public func scopedHosts() async throws -> [ScopedHost] {
        struct Page: Decodable { var items: [ScopedHost] }
        let body = try await get("/api/v1/collector/hosts")
        guard let page = try? JSONDecoder().decode(Page.self, from: body) else {
            throw CoordinatorClientError.refused(status: 200, message: "the answer is not a list of hosts: \(Self.message(in: body))")
        }
        return page.items
    }

    /// POSTs `report` as JSON; a 2xx answer's status and body, any other a `refused` error.
    func post(_ path: String, _ report: DiagnosticReport) async throws -> (status: Int, body: Data) {
        try await send(
            "POST", path, body: report.json,
            headers: [("Content-Type", "application/json"), ("Idempotency-Key", report.id.uuidString)])
    }

    func get(_ path: String) async throws -> Data {
        try await send("GET", path).body
    }

    /// Sends a request to `path` (which may carry a query) without holding a thread while it waits;
    /// a 2xx answer's status and body, any other status a `refused` error, no answer `unreachable`.
    /// A cancelled task's request ends at once with `CancellationError`.
    private func send(
        _ method: String, _ path: String, body: [UInt8] = [], headers: [(String, String)] = [],
        timeout: Double? = nil
    ) async throws -> (status: Int, body: Data) {
        let request = HTTPRequest(
            method: method, url: base.absoluteString + path,
            headers: [("Authorization", "Bearer \(token)")] + headers.map { (name: $0.0, value: $0.1) },
            body: body, timeout: .milliseconds(Int64((timeout ?? self.timeout) * 1000)))
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch let error as HTTPClientError {
            throw CoordinatorClientError.unreachable(url: base.absoluteString, reason: error.message)
        }
        let data = Data(response.body)
        guard (200..<300).contains(response.status) else {
            throw CoordinatorClientError.refused(status: response.status, message: Self.message(in: data))
        }
        return (response.status, data)
    }

    /// The message of an `{"error": {"code", "message"}}` answer, or the start of the body.
    static func message(in body: Data) -> String {
        struct Answer: Decodable {
            struct Detail: Decodable { var message: String }
            var error: Detail
        }
        if let answer = try? JSONDecoder().decode(Answer.self, from: body) { return answer.error.message }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}
