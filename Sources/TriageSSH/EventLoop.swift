import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One thread driving many SSH sessions: a task executor whose thread runs the tasks' jobs and,
/// between them, one poll() over every socket a task is waiting on.
///
/// Every SSH wait (`Session.wait`) suspends its task here instead of blocking the thread, so one
/// loop thread keeps hundreds of sessions moving; a sweep runs one loop per core. Tasks started
/// with this loop as their executor preference run every nonisolated step on its thread, which
/// is what libssh2 needs: a session is only ever touched by the loop thread that made it.
public final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// Jobs enqueued from any thread, and whether the loop sleeps in poll() (so must be woken).
    private let queue = Mutex<(jobs: [UnownedJob], sleeping: Bool)>(([], false))
    /// Wakes the loop from poll() when a job arrives from another thread.
    private let doorbell = Doorbell()
    /// Tasks suspended until their socket is ready. Loop thread only.
    private var waiters: [Waiter] = []

    private struct Waiter {
        let fd: Int32
        let events: Int16
        let deadline: Deadline
        let continuation: UnsafeContinuation<Bool, Never>
    }

    private init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let wake = queue.withLock { state in
            state.jobs.append(job)
            return state.sleeping
        }
        if wake { doorbell.ring() }
    }

    // MARK: - Running

    /// Runs `body` on `threads` loops, one thread each, and returns when every one has finished.
    public static func run(threads: Int, _ body: @escaping @Sendable (Int) async -> Void) {
        let group = DispatchGroup()
        for index in 0..<max(1, threads) {
            group.enter()
            POSIX.startThread(stackSize: 4 << 20) {
                EventLoop().run { await body(index) }
                group.leave()
            }
        }
        group.wait()
    }

    /// Runs `body` on a loop of its own and waits for its result: the blocking API over the async one.
    /// The loop gets a fresh thread, so this is safe from any thread, a Swift task's included.
    /// What `body` touches is used by that one thread while the caller waits, never by both.
    /// It throws what `body` throws, typed (nothing for a closure that cannot fail).
    public static func blocking<T, E: Error>(_ body: () async throws(E) -> T) throws(E) -> T {
        try withoutActuallyEscaping(body) { (body) throws(E) -> T in
            // The box lets go of `body` before the call returns, as withoutActuallyEscaping requires.
            let work = Unchecked<(() async throws(E) -> T)?>(body)
            let result = Unchecked<Result<T, E>?>(nil)
            run(threads: 1) { _ in
                let body = work.value!
                work.value = nil
                do throws(E) { result.value = .success(try await body()) } catch { result.value = .failure(error) }
            }
            return try result.value!.get()
        }
    }

    /// Runs one task on this thread until it ends.
    private func run(_ body: @escaping @Sendable () async -> Void) {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(Self.currentKey, nil) }
        let finished = Atomic(false)
        Task(executorPreference: self) {
            await body()
            finished.store(true, ordering: .releasing)
        }
        while true {
            runJobs()
            if finished.load(ordering: .acquiring) { return }
            pollOnce()
        }
    }

    private func runJobs() {
        while true {
            let jobs = queue.withLock { state in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            if jobs.isEmpty { return }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// Sleeps in poll() until a socket is ready, a deadline passes or a job arrives; resumes
    /// every task whose wait is over.
    private func pollOnce() {
        var fds = [pollfd(fd: doorbell.fd, events: Int16(POLLIN), revents: 0)]
        fds += waiters.map { pollfd(fd: $0.fd, events: $0.events, revents: 0) }
        let timeout = waiters.min { $0.deadline.instant < $1.deadline.instant }?.deadline.remainingMilliseconds ?? -1
        let sleep = queue.withLock { state in
            state.sleeping = state.jobs.isEmpty
            return state.sleeping
        }
        guard sleep else { return }
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        queue.withLock { $0.sleeping = false }
        if ready > 0 && fds[0].revents != 0 { doorbell.silence() }
        let now = ContinuousClock.now
        var still: [Waiter] = []
        for (waiter, pfd) in zip(waiters, fds.dropFirst()) {
            if ready > 0 && pfd.revents != 0 {
                waiter.continuation.resume(returning: true)
            } else if now >= waiter.deadline.instant {
                waiter.continuation.resume(returning: false)
            } else {
                still.append(waiter)
            }
        }
        waiters = still
    }

    // MARK: - Waiting

    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The loop running on this thread, if any.
    private static var current: EventLoop? {
        pthread_getspecific(currentKey).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    /// Waits until `fd` is ready for `events` (true) or the deadline passes (false). On a loop's
    /// thread the task suspends and the thread serves other sessions; elsewhere (a task on
    /// Swift's own pool, say) it blocks in poll() like any blocking client.
    static func wait(fd: Int32, events: Int16, until deadline: Deadline) async -> Bool {
        guard let loop = current else { return blockingWait(fd: fd, events: events, until: deadline) }
        if deadline.hasPassed { return false }
        return await withUnsafeContinuation { continuation in
            loop.waiters.append(Waiter(fd: fd, events: events, deadline: deadline, continuation: continuation))
        }
    }

    /// poll() on one socket, for the few waits that cannot suspend (teardown in deinit).
    static func blockingWait(fd: Int32, events: Int16, until deadline: Deadline) -> Bool {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 { return false }
            let ready = poll(&pfd, 1, timeout)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }
}

/// A value handed to a loop thread while its owner waits: never used by two threads at once.
private final class Unchecked<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
