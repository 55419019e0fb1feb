import Foundation
import TriageModel
#if canImport(FoundationNetworking)
import FoundationNetworking
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

/// The agent's side of the REST API (HTTP through the toolchain's FoundationNetworking, which is
/// libcurl): attach a diagnosis to a ticket, post a health report. Every post carries the
/// report id as its Idempotency-Key, so a retry after a lost answer is stored once.
public struct CoordinatorClient: Sendable {
    public let base: URL
    let token: String
    public var timeout: TimeInterval

    public init(url: String, token: String, timeout: TimeInterval = 30) throws {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let base = URL(string: trimmed), let scheme = base.scheme, ["http", "https"].contains(scheme),
            base.host != nil
        else { throw CoordinatorClientError.badURL(url) }
        self.base = base
        self.token = token
        self.timeout = timeout
    }

    public enum Attached: Equatable {
        case created
        /// The report id was attached before; nothing changed.
        case alreadyAttached
    }

    public func attach(_ report: DiagnosticReport, toTicket id: Int) throws -> Attached {
        let (status, _) = try post("/api/v1/tickets/\(id)/diagnostics", report)
        return status == 201 ? .created : .alreadyAttached
    }

    /// POSTs `report` as JSON; a 2xx answer's status and body, any other a `refused` error.
    func post(_ path: String, _ report: DiagnosticReport) throws -> (status: Int, body: Data) {
        var request = URLRequest(url: base.appendingPathComponent(path), timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(report.id.uuidString, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = try DiagnosticReport.encoder.encode(report)
        let (status, body) = try send(request)
        guard (200..<300).contains(status) else {
            throw CoordinatorClientError.refused(status: status, message: Self.message(in: body))
        }
        return (status, body)
    }

    private func send(_ request: URLRequest) throws -> (Int, Data) {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            outcome.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, status, error) = outcome.get()
        guard let status else {
            throw CoordinatorClientError.unreachable(
                url: base.absoluteString, reason: error.map { ($0 as NSError).localizedDescription } ?? "no answer")
        }
        return (status, data ?? Data())
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

    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var value: (Data?, Int?, (any Error)?) = (nil, nil, nil)
        func set(data: Data?, status: Int?, error: (any Error)?) { lock.withLock { value = (data, status, error) } }
        func get() -> (Data?, Int?, (any Error)?) { lock.withLock { value } }
    }
}
