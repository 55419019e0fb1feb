import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The agent's HTTP client (docs/agent.md, "Talking to the coordinator"): libcurl's multi
/// interface driven by one thread of its own that sleeps in `curl_multi_poll` on the sockets of
/// the requests in flight — so a long poll waiting for a job costs no CPU at all — and that exists
/// only while requests are in flight.
///
/// HTTP/1.1 and HTTPS (certificates checked against the system's store, or `caFile`), libcurl's
/// connection cache (a connection is kept for the next request), no limit on connections per host
/// (a collector's many long polls never queue its results behind them), and cancellation that
/// ends a request at once: the cancelling task only queues the request's removal and wakes the
/// loop (`curl_multi_wakeup`), so nothing waits on a lock that a failing connection holds.
///
/// Unchecked Sendable: the multi handle is used only by the loop thread (`curl_multi_wakeup`,
/// which libcurl lets any thread call, aside); everything else shared is in `state`.
public final class HTTPClient: @unchecked Sendable {
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
    private let multi: UnsafeMutableRawPointer
    private let state = Mutex(State())

    private struct State {
        /// Handed over by `send`, not yet added to the multi handle.
        var submitted: [Transfer] = []
        /// Cancelled while submitted or in flight.
        var cancelled: [Transfer] = []
        /// Whether the loop thread runs.
        var looping = false
        /// The loop thread's id while it runs (its CPU is in /proc/self/task/ID/stat).
        var loopThread: Int32?
    }

    /// The loop thread's id while it runs: what the tests read its CPU time by.
    var loopThread: Int32? { state.withLock { $0.loopThread } }

    /// libcurl's global set-up, once per process, before any transfer.
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(configuration: Configuration = Configuration()) {
        Self.globalInit
        self.configuration = configuration
        multi = curl_multi_init()
    }

    deinit {
        // The loop thread holds the client while it runs: here it does not.
        curl_multi_cleanup(multi)
    }

    /// Sends `request` and returns the answer, whatever its status. Throws `HTTPClientError` when
    /// there is none, `CancellationError` when the task is cancelled (at once, whatever the request
    /// was doing).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = try Transfer(request, caFile: configuration.caFile, maxBody: configuration.maxBody)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in submit(transfer, continuation) }
        } onCancel: {
            cancel(transfer)
        }
    }

    private func submit(_ transfer: Transfer, _ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        enum Next { case resumeCancelled, startLoop, wake }
        let next: Next = state.withLock { state in
            if transfer.cancelled { return .resumeCancelled }
            transfer.continuation = continuation
            state.submitted.append(transfer)
            if state.looping { return .wake }
            state.looping = true
            return .startLoop
        }
        switch next {
        case .resumeCancelled: continuation.resume(throwing: CancellationError())
        case .startLoop: startThread(name: "triage-http") { self.loop() }
        case .wake: curl_multi_wakeup(multi)
        }
    }

    /// Runs inside the cancelled task's cancellation handler: queues and wakes, never waits.
    private func cancel(_ transfer: Transfer) {
        let queued = state.withLock { state in
            transfer.cancelled = true
            guard transfer.continuation != nil else { return false }
            state.cancelled.append(transfer)
            return true
        }
        if queued { curl_multi_wakeup(multi) }
    }

    // MARK: The loop thread

    private func loop() {
        state.withLock { $0.loopThread = triage_thread_id() }
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let batch: (added: [Transfer], cancelled: [Transfer])? = state.withLock { state in
                defer { state.submitted = []; state.cancelled = [] }
                if state.submitted.isEmpty && state.cancelled.isEmpty && active.isEmpty {
                    state.looping = false
                    state.loopThread = nil
                    return nil
                }
                return (state.submitted, state.cancelled)
            }
            guard let batch else { return }
            for transfer in batch.added {
                active[transfer.handle] = transfer
                let code = curl_multi_add_handle(multi, transfer.handle)
                if code != CURLM_OK {
                    active[transfer.handle] = nil
                    finish(transfer, .failure(HTTPClientError(.failed, "libcurl refused the request: \(String(cString: curl_multi_strerror(code)))")))
                }
            }
            for transfer in batch.cancelled where active.removeValue(forKey: transfer.handle) != nil {
                curl_multi_remove_handle(multi, transfer.handle)
                finish(transfer, .failure(CancellationError()))
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: handle) else { continue }
                let result = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                finish(transfer, transfer.outcome(result))
            }
            if active.isEmpty { continue }
            // Until a socket is ready, libcurl's next timer (a request's timeout) or a wake-up.
            var timeout = -1
            curl_multi_timeout(multi, &timeout)
            if timeout != 0 { curl_multi_poll(multi, nil, 0, Int32(timeout < 0 ? 60_000 : min(timeout, 60_000)), nil) }
        }
    }

    /// Resumes the transfer's caller, once.
    private func finish(_ transfer: Transfer, _ outcome: Result<HTTPResponse, any Error>) {
        let continuation = state.withLock { _ in
            defer { transfer.continuation = nil }
            return transfer.continuation
        }
        continuation?.resume(with: outcome)
    }
}

/// A detached thread running `body`.
private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        let name: String
        init(_ body: @escaping @Sendable () -> Void, _ name: String) { self.body = body; self.name = name }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    defer { pthread_attr_destroy(&attributes) }
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body, name)).toOpaque()
    let started = pthread_create(&thread, &attributes, { argument in
        let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
        triage_name_thread(box.name)
        box.body()
        return nil
    }, box)
    precondition(started == 0, "cannot start the HTTP client's thread: error \(started)")
}
