import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A graceful stop for the agent's long-running loops (`run`, `collect`): SIGTERM or SIGINT, or a
/// test's `request()`. A loop checks `isRequested` between its steps and races its waits against
/// the stop (`cancelling`), so a stop ends a sleep or a long poll at once and lets the step under
/// way finish (a cycle, a job, the last delivery).
///
/// The agent's own, not swift-service-lifecycle's ServiceGroup: that brought swift-log,
/// AsyncAlgorithms and swift-collections, ≈ 0.8 MiB of every push agent's memory, for one signal
/// and one flag (docs/agent.md, "Memory").
public final class Shutdown: Sendable {
    private let state = Mutex<(requested: Bool, waiters: [Int: CheckedContinuation<Void, Never>], next: Int)>((false, [:], 0))

    public init() {}

    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Starts the stop: every `cancelling` operation is cancelled, every `wait` returns.
    public func request() {
        let waiters = state.withLock { state in
            state.requested = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the stop is requested, or when the calling task is cancelled.
    public func wait() async {
        let id = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.requested || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// `operation`, cancelled when the stop is requested (it then throws what it throws when
    /// cancelled, `CancellationError` at least).
    public func cancelling<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                await self.wait()
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
                group.cancelAll()  // the stop came first: the operation ends cancelled
            }
            throw CancellationError()
        }
    }

    /// Requests the stop on SIGTERM or SIGINT (each ignored by default from now on); keep the
    /// returned sources for as long as the signals should be heard.
    public func onSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) -> [any DispatchSourceSignal] {
        signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in request() }
            source.resume()
            return source
        }
    }
}
