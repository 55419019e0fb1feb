import Testing
import TriageAgent
import TriageSSH

/// The agent's graceful stop: what a SIGTERM does to a sleep, a long poll and the work under way.
@Suite struct ShutdownTests {
    @Test func aStopEndsWaitsAtOnceAndLetsFinishedWorkThrough() throws {
        let (slept, finished, waited, afterwards) = EventLoop.blocking { () async -> (String, Int?, Bool, String) in
            let shutdown = Shutdown()
            // Work that ends before the stop gives its value.
            let finished = try? await shutdown.cancelling { 42 }
            async let sleeping: String = {
                do {
                    try await shutdown.cancelling { try await Task.sleep(for: .seconds(60)) }
                    return "slept"
                } catch { return "\(type(of: error))" }
            }()
            async let waiting: Bool = {
                await shutdown.wait()
                return shutdown.isRequested
            }()
            try? await Task.sleep(for: .milliseconds(200))
            shutdown.request()
            let slept = await sleeping
            // After the stop, a new wait returns at once and new work is cancelled before it waits.
            await shutdown.wait()
            let afterwards: String
            do {
                try await shutdown.cancelling { try await Task.sleep(for: .seconds(60)) }
                afterwards = "slept"
            } catch { afterwards = "\(type(of: error))" }
            return (slept, finished, await waiting, afterwards)
        }
        #expect(slept == "CancellationError")
        #expect(finished == 42)
        #expect(waited)
        #expect(afterwards == "CancellationError")
    }
}
