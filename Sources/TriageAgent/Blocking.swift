import Dispatch

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs async work and waits for it on this thread: how the command-line paths that run on
/// threads of their own (diagnose, sweep) use the async coordinator client. Never call it from
/// inside a task: it would hold one of the cooperative pool's few threads.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Written by the task before it signals, read after the wait: the semaphore orders the two.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
