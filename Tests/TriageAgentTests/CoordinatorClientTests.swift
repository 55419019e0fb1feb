import Foundation
import TestSupport
import Testing
import TriageAgent
import TriageModel
import TriageSSH

#if canImport(Glibc)
    import Glibc
#endif

/// The coordinator client over the agent's HTTP client (docs/agent.md, "Talking to the coordinator").
@Suite struct CoordinatorClientTests {
    /// A push agent's long poll, cancelled by its graceful shutdown, ends at once: a stopping agent
    /// never waits for its wait (URLSession's hung for ever: swift-corelibs-foundation issue 5412).
    @Test func aCancelledLongPollEndsAtOnce() throws {
        let silent = try SilentListener()
        let client = try CoordinatorClient(url: "http://127.0.0.1:\(silent.port)", token: "trg_test", timeout: 5)
        // On a loop thread of its own, so that the other tests' waits cannot delay it.
        let (outcome, took) = EventLoop.blocking { () async -> (String, Duration) in
            await withTaskGroup(of: String.self) { group in
                group.addTask {
                    do { return "answered: \(String(describing: try await client.nextJob(wait: 25)))" } catch {
                        return "\(type(of: error))"
                    }
                }
                try? await Task.sleep(for: .milliseconds(300))
                let cancelled = ContinuousClock.now
                group.cancelAll()
                return (await group.next()!, ContinuousClock.now - cancelled)
            }
        }
        #expect(outcome == "CancellationError")
        #expect(took < .seconds(1), "took \(took)")
    }

    @Test func noAnswerIsUnreachableAndAnErrorAnswerIsRefusedWithItsMessage() async throws {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        let down = try CoordinatorClient(url: "http://127.0.0.1:\(port)/", token: "trg_test", timeout: 5)
        do {
            _ = try await down.nextJob(wait: 0)
            Issue.record("a closed port answered")
        } catch let error as CoordinatorClientError {
            #expect(error.isTransient)
            #expect(
                "\(error)".hasPrefix(
                    "coordinator http://127.0.0.1:\(port) is unreachable: cannot connect to 127.0.0.1 port \(port): Connection refused"),
                "\(error)")
        }
        let server = try ScriptedHTTPServer(answers: [
            (403, #"{"error": {"code": "forbidden", "message": "an agent token reports for its own host"}}"#)
        ])
        let refusing = try CoordinatorClient(url: "http://127.0.0.1:\(server.port)", token: "trg_test")
        do {
            _ = try await refusing.nextJob(wait: 0)
            Issue.record("a 403 was taken for a job")
        } catch let error as CoordinatorClientError {
            #expect(error == .refused(status: 403, message: "an agent token reports for its own host"))
        }
        #expect(server.received.first?.requestLine == "GET /api/v1/agent/jobs?wait=0 HTTP/1.1")
        #expect(server.received.first?.headers["authorization"] == "Bearer trg_test")
    }

    /// A report over the coordinator's body limit (1 MiB) is answered 413 before the coordinator has
    /// read it all, and the connection closed: the agent hears the 413 (and sets the report aside),
    /// not a broken pipe that would keep it at the head of the spool for ever.
    @Test func aReportOverTheBodyLimitIsRefusedNotUnreachable() throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        let client = try CoordinatorClient(url: serve.url, token: serve.adminToken, timeout: 10)
        let huge = DiagnosticReport(
            host: "lab1", startedAt: Date(), durationMs: 1, agentVersion: "0.1.0",
            checks: [
                CheckResult(
                    plugin: "disk", item: "big", status: .ok, summary: "s",
                    longOutput: String(repeating: "x", count: 3 << 20))
            ])
        let outcome = EventLoop.blocking { () async -> String in
            do {
                _ = try await client.deliver(huge)
                return "delivered"
            } catch { return "\(error)" }
        }
        #expect(outcome.hasPrefix("the coordinator refused it (413)"), "\(outcome)")
    }
}
