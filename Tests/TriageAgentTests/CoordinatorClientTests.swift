import Foundation
import TestSupport
import Testing
import TriageAgent
import TriageSSH

#if canImport(Glibc)
import Glibc
#endif

/// The coordinator client under cancellation (docs/agent.md, "Shutdown and cancelled requests").
@Suite struct CoordinatorClientTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    /// Requests cancelled just as their connections are refused all end. With Foundation's own
    /// `URLSession.data(for:)` this hung (swift-corelibs-foundation issue 5412) or crashed the
    /// process within the first rounds, and a push agent stopped as its coordinator went away
    /// never exited. The rounds run on a loop thread of their own, so a hang fails this test
    /// instead of freezing the others.
    @Test func requestsCancelledAsTheirConnectionsFailAllEnd() async throws {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)  // Nothing listens there now: every connection is refused at once.
        let client = try CoordinatorClient(url: "http://127.0.0.1:\(port)", token: "trg_test", timeout: 5)
        let rounds = 200
        let finished = Counter()
        let refused = Counter()
        Thread {
            EventLoop.run(threads: 1) { _ in
                for _ in 0..<rounds {
                    await withTaskGroup(of: Void.self) { group in
                        for _ in 0..<20 {
                            group.addTask {
                                do { _ = try await client.nextJob(wait: 0) } catch CoordinatorClientError.unreachable(_, let reason) where reason.contains("connect") {
                                    refused.add()
                                } catch {}
                            }
                        }
                        try? await Task.sleep(for: .microseconds(Int.random(in: 50...2000)))
                        group.cancelAll()
                    }
                    finished.add()
                }
            }
        }.start()
        let deadline = ContinuousClock.now + .seconds(120)
        while finished.value < rounds && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(finished.value == rounds, "a cancelled request never ended")
        // Requests really went out and were refused, not all cancelled before they started.
        #expect(refused.value > 0)
    }
}
