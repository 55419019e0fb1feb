import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Asks a loop to stop, and wakes it from its sleep when it does. `onTermination()` ties it to
/// SIGTERM and SIGINT; the loop finishes what it is doing and then looks.
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private let wake = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []

    public init() {}

    /// Stops on SIGTERM or SIGINT instead of dying of them. (Spawned plugins get the default
    /// dispositions back: ProcessSpawner resets them.)
    public static func onTermination() -> StopSignal {
        let signal = StopSignal()
        for number in [SIGTERM, SIGINT] {
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak signal] in signal?.stop() }
            source.resume()
            signal.sources.append(source)
        }
        return signal
    }

    public func stop() {
        lock.withLock { stopped = true }
        wake.signal()
    }

    public var isStopped: Bool { lock.withLock { stopped } }

    /// Sleeps until `deadline` or a stop; true when stopped.
    public func sleep(until deadline: ContinuousClock.Instant) -> Bool {
        while !isStopped {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            let nanoseconds = left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(min(nanoseconds, 3_600_000_000_000))))
        }
        return true
    }
}
