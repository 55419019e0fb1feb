import Foundation
import TestSupport
import Testing
import TriageSSH

@testable import TriageHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The agent's HTTP client against real sockets: answers, failures, timeouts, cancellation, and
/// what it costs while it waits. Tests that time a request run it on a loop thread of their own
/// (`EventLoop.blocking`): on the shared pool, the other tests' blocking waits can hold every thread
/// and delay the request's resumption by seconds.
@Suite struct HTTPClientTests {
    @Test func answersComeBackWithTheirStatusAndBodyAndRequestsAsSent() async throws {
        let server = try ScriptedHTTPServer(answers: [(201, #"{"ok": true}"#), (503, #"{"error": {"message": "busy"}}"#)])
        let client = HTTPClient()
        // A large body, sent whole with its length (no "Expect: 100-continue" and a wait for it).
        let body = Array(String(repeating: "x", count: 2 << 20).utf8)
        let created = try await client.send(
            HTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(server.port)/api/v1/reports?interval=60",
                headers: [("Authorization", "Bearer trg_x"), ("Content-Type", "application/json")],
                body: body, timeout: .seconds(10)))
        #expect(created == HTTPResponse(status: 201, body: Array(#"{"ok": true}"#.utf8)))
        let busy = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/healthz"))
        #expect(busy.status == 503)
        let received = server.received
        #expect(received.count == 2)
        #expect(received.first?.requestLine == "POST /api/v1/reports?interval=60 HTTP/1.1")
        #expect(received.first?.headers["authorization"] == "Bearer trg_x")
        #expect(received.first?.headers["expect"] == nil)
        #expect(received.first?.body == body)
        #expect(received.last?.requestLine == "GET /healthz HTTP/1.1")
    }

    @Test func aRefusedConnectionAndABadURLSayWhat() async throws {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        let client = HTTPClient()
        await #expect(throws: HTTPClientError.self) { try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/")) }
        do {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        } catch let error as HTTPClientError {
            #expect(error.code == .cannotConnect)
            #expect(error.message == "cannot connect to 127.0.0.1 port \(port): Connection refused")
        }
        do {
            _ = try await client.send(HTTPRequest(url: "file:///etc/passwd"))
            Issue.record("a file URL was read")
        } catch let error as HTTPClientError {
            #expect(error.code == .failed)
            #expect(error.message.contains("only http and https"))
        }
    }

    @Test func aSilentServerCostsTheTimeoutAndNoMore() throws {
        let silent = try SilentListener()
        let client = HTTPClient()
        let started = ContinuousClock.now
        let outcome = EventLoop.blocking { () async -> Result<HTTPResponse, any Error> in
            do {
                return .success(try await client.send(HTTPRequest(url: "http://127.0.0.1:\(silent.port)/", timeout: .milliseconds(800))))
            } catch { return .failure(error) }
        }
        let took = ContinuousClock.now - started
        #expect((try? outcome.get()) == nil)
        if case .failure(let error as HTTPClientError) = outcome { #expect(error.code == .timedOut) } else { Issue.record("\(outcome)") }
        #expect(took >= .milliseconds(700) && took < .seconds(3), "took \(took)")
    }

    @Test func anAnswerLongerThanTheLimitFailsTheRequest() async throws {
        let server = try ScriptedHTTPServer(answers: [(200, String(repeating: "y", count: 5000))])
        let client = HTTPClient(configuration: .init(maxBody: 1000))
        do {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
            Issue.record("an oversized answer was taken")
        } catch let error as HTTPClientError {
            #expect(error.code == .tooLarge)
        }
    }

    /// A long poll cancelled by a graceful shutdown ends at once, not at its timeout, and the
    /// client goes on serving other requests.
    @Test func aCancelledRequestEndsAtOnce() throws {
        let silent = try SilentListener()
        let server = try ScriptedHTTPServer(answers: [(204, "")])
        let client = HTTPClient()
        let (outcome, took, next) = EventLoop.blocking { () async -> (String, Duration, Int) in
            await withTaskGroup(of: (String, Duration).self) { group in
                group.addTask {
                    do {
                        _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(silent.port)/wait", timeout: .seconds(60)))
                        return ("answered", .zero)
                    } catch { return ("\(type(of: error))", .zero) }
                }
                try? await Task.sleep(for: .milliseconds(300))
                let cancelled = ContinuousClock.now
                group.cancelAll()
                let outcome = await group.next()!.0
                let next = (try? await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/")))?.status ?? 0
                return (outcome, ContinuousClock.now - cancelled, next)
            }
        }
        #expect(outcome == "CancellationError")
        #expect(took < .seconds(1), "took \(took)")
        #expect(next == 204)
    }

    /// Requests cancelled just as their connections are refused all end (Foundation's URLSession on
    /// Linux hung or crashed here: swift-corelibs-foundation issue 5412). The rounds run on threads
    /// of their own, so a hang fails this test instead of freezing the others.
    @Test func requestsCancelledAsTheirConnectionsFailAllEnd() async throws {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)  // Nothing listens there now: every connection is refused at once.
        let client = HTTPClient()
        let rounds = 200
        let finished = Counter()
        let refused = Counter()
        Thread {
            EventLoop.run(threads: 1) { _ in
                for _ in 0..<rounds {
                    await withTaskGroup(of: Void.self) { group in
                        for _ in 0..<20 {
                            group.addTask {
                                do {
                                    _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: .seconds(5)))
                                } catch let error as HTTPClientError where error.code == .cannotConnect {
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

    /// While requests wait for their answers (long polls), their threads sleep: URLSession spun at
    /// 0.8 of a core here, with CI green.
    @Test func waitingRequestsCostNoCPU() throws {
        let silent = try SilentListener()
        let client = HTTPClient()
        let spent = try EventLoop.blocking { () async throws -> Int in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        _ = try? await client.send(HTTPRequest(url: "http://127.0.0.1:\(silent.port)/wait", timeout: .seconds(30)))
                    }
                }
                while client.requestThreads.count < 16 { try await Task.sleep(for: .milliseconds(50)) }
                try await Task.sleep(for: .milliseconds(300))
                let threads = client.requestThreads
                let before = try threads.map(cpuTicks).reduce(0, +)
                try await Task.sleep(for: .seconds(3))
                let spent = try threads.map(cpuTicks).reduce(0, +) - before
                group.cancelAll()
                return spent
            }
        }
        // Ticks of 10 ms: a spinning loop shows ~300 here (for each thread), sleeping ones 0.
        #expect(spent <= 2, "16 waiting requests' threads used \(spent * 10) ms of CPU in 3 s")
        // With nothing in flight no thread is left.
        #expect(try waitUntil(seconds: 5) { client.requestThreads.isEmpty })
    }

    /// user + system ticks of one of this process's threads.
    private func cpuTicks(thread: Int32) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/self/task/\(thread)/stat", encoding: .utf8)
        // Fields after the command (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        return Int(fields[11])! + Int(fields[12])!
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
