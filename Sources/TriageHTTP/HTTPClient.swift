import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The agent's HTTP client (docs/agent.md, "Talking to the coordinator"): HTTP/1.1 over the
/// system's sockets, and TLS through OpenSSL's libssl (whose libcrypto libssh2 loads anyway).
///
/// Each request runs on a thread of its own that sleeps in poll() on its socket (`Exchange`): a
/// long poll waiting for a job costs no CPU, and a collector's many polls never queue its results
/// behind them. One request per connection (`Connection: close`); certificates checked against the
/// system's store or `caFile`; a timeout bounds the whole exchange; cancellation ends a request at
/// once. Not libcurl: its 26 libraries were 4.4 MiB of every push agent's memory and its OpenSSL
/// set-up 2 MiB more, for features the agent does not use.
public final class HTTPClient: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// A PEM file of the certificate authorities to trust for HTTPS instead of the system's store.
        public var caFile: String?
        /// The longest answer body kept; a longer one fails the request.
        public var maxBody: Int

        public init(caFile: String? = nil, maxBody: Int = 64 << 20) {
            self.caFile = caFile
            self.maxBody = maxBody
        }
    }

    public let configuration: Configuration
    private let tls: TLSContext
    private let inFlight = Mutex<[ObjectIdentifier: Exchange]>([:])

    public init(configuration: Configuration = Configuration()) {
        Self.ignoreBrokenPipes
        self.configuration = configuration
        tls = TLSContext(caFile: configuration.caFile)
    }

    /// OpenSSL writes to its socket with write(2): a server that closed the connection while the
    /// request was being sent would end the whole process with SIGPIPE. Plain sends use
    /// MSG_NOSIGNAL, libssh2 too; this covers TLS, once per process.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Sends `request` and returns the answer, whatever its status. Throws `HTTPClientError` when
    /// there is none, `CancellationError` when the task is cancelled (at once, whatever the request
    /// was doing).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let exchange = try Exchange(request, target: try HTTPTarget(request.url), configuration: configuration, tls: tls)
        let key = ObjectIdentifier(exchange)
        inFlight.withLock { $0[key] = exchange }
        defer { inFlight.withLock { $0[key] = nil } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in exchange.start(continuation) }
        } onCancel: {
            exchange.cancel()
        }
    }

    /// The threads of the requests in flight: what the tests read their CPU time by.
    var requestThreads: [Int32] { inFlight.withLock { $0.values.compactMap(\.thread) } }
}
