import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension URLSession {
    /// `data(for:)` whose cancellation Foundation on Linux cannot turn into a hang or a crash
    /// (docs/agent.md, "Shutdown and cancelled requests").
    ///
    /// Foundation's own `data(for:)` cancels its URLSessionTask from the Swift task's cancellation
    /// handler, under the task's status lock, and then waits for the session's queue; a connection
    /// failing at that moment holds that queue and waits for the status lock (swift-corelibs-foundation
    /// issue 5412): both wait for ever, and so does every later request of the session. Cancelling
    /// the URLSessionTask from elsewhere instead races its completion and can stop the process
    /// ("Trying to access a behaviour for a task that in not in the registry"). So a cancelled call
    /// here throws `CancellationError` at once and leaves its request to end by itself, bounded by
    /// the request's timeout; what it answers then is dropped.
    func cancellableData(for request: URLRequest) async throws -> (Data, URLResponse) {
        let pending = PendingRequest()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard pending.wait(continuation) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                dataTask(with: request) { data, response, error in
                    if let error {
                        pending.end(.failure(error))
                    } else if let response {
                        pending.end(.success((data ?? Data(), response)))
                    } else {
                        pending.end(.failure(URLError(.badServerResponse)))
                    }
                }.resume()
            }
        } onCancel: {
            pending.cancel()
        }
    }
}

/// The continuation of one request, resumed once: by its answer or by its cancellation.
private final class PendingRequest: @unchecked Sendable {
    typealias Continuation = CheckedContinuation<(Data, URLResponse), any Error>
    private let lock = NSLock()
    private var continuation: Continuation?
    private var cancelled = false

    /// False when the task was cancelled before the request started.
    func wait(_ continuation: Continuation) -> Bool {
        lock.withLock {
            if cancelled { return false }
            self.continuation = continuation
            return true
        }
    }

    func end(_ result: Result<(Data, URLResponse), any Error>) {
        lock.withLock { take() }?.resume(with: result)
    }

    /// Runs under the Swift task's status lock: the resumption, which needs that lock, goes elsewhere.
    func cancel() {
        guard let continuation = lock.withLock({ cancelled = true; return take() }) else { return }
        DispatchQueue.global().async { continuation.resume(throwing: CancellationError()) }
    }

    private func take() -> Continuation? {
        defer { continuation = nil }
        return continuation
    }
}
