import Foundation
import TestSupport
import Testing

/// A real `triage serve` against clients that hold connections: idle, slowloris headers, a body
/// that never comes, more connections than allowed. Times are bounded generously: the assertion
/// is that the server lets go, not how fast on a loaded machine.
@Suite struct ConnectionLimitsTests {
    static func serve(_ folder: TempFolder, maxConnections: Int = 64) throws -> TriageServe {
        let file = folder.path + "/triage.yaml"
        try "http: {idleTimeoutSeconds: 3, bodyTimeoutSeconds: 1, maxConnections: \(maxConnections)}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        return try TriageServe(folder, ["--config", file])
    }

    /// X-Forwarded-For from a peer that is not a trusted proxy is ignored (anybody can send it)
    /// and said in the log once, not per request: an unlisted reverse proxy makes every client
    /// one address for the sign-in throttle.
    @Test func forwardedForFromAnUntrustedPeerIsIgnoredAndLoggedOnce() throws {
        let folder = try TempFolder()
        let file = folder.path + "/triage.yaml"
        try "http: {trustedProxies: [192.0.2.1]}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let serve = try TriageServe(folder, ["--config", file])
        defer { serve.process.terminate() }
        let jar = folder.path + "/jar"
        for index in 1...3 {
            let form = try TriageServe.curl(["-c", jar, "-b", jar, serve.url + "/board/login"]).stdout
            let csrf = try #require(form.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) })
            let answer = try TriageServe.curl([
                "-c", jar, "-b", jar, "-o", "/dev/null", "-X", "POST", serve.url + "/board/login",
                "-H", "X-Forwarded-For: 198.51.100.\(index)", "--data-urlencode", "csrf=\(csrf)",
                "--data-urlencode", "login=nobody", "--data-urlencode", "password=guess",
            ])
            #expect(answer.stdout.hasSuffix("401"), "\(answer.stdout)")
        }
        let log = (try? String(contentsOfFile: folder.path + "/serve.err", encoding: .utf8)) ?? ""
        let warnings = log.components(separatedBy: "X-Forwarded-For from 127.0.0.1, which is not in http.trustedProxies").count - 1
        #expect(warnings == 1, "\(log)")
    }

    @Test func idleAndSlowlorisConnectionsAreClosed() throws {
        let folder = try TempFolder()
        let serve = try Self.serve(folder)
        defer { serve.process.terminate() }
        let idle = try RawConnection(port: serve.port)
        let started = ContinuousClock.now
        #expect(idle.readUntilClosed(timeout: .seconds(20)).closed)
        #expect(started.duration(to: .now) >= .seconds(1.5))

        // One header byte every half second: the head never completes, so the idle timeout ends it.
        let slow = try RawConnection(port: serve.port)
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        var stillOpen = true
        for _ in 0..<60 where stillOpen {
            usleep(500_000)
            stillOpen = slow.send("a")
        }
        #expect(!stillOpen || slow.readUntilClosed(timeout: .seconds(1)).closed, "slowloris was held for 30 s")
    }

    @Test func aDeclaredBodyThatNeverComesIsA408() throws {
        let folder = try TempFolder()
        let serve = try Self.serve(folder)
        defer { serve.process.terminate() }
        let connection = try RawConnection(port: serve.port)
        connection.send(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(serve.adminToken)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{\"title\": ")
        let (answer, closed) = connection.readUntilClosed(timeout: .seconds(20))
        #expect(answer.hasPrefix("HTTP/1.1 408") && answer.contains("request_timeout"), "\(answer)")
        #expect(closed)
        // Without credentials a body is read only up to 8 KiB: a 1 MiB post is refused before auth.
        let big = folder.path + "/big.json"
        try Data(repeating: UInt8(ascii: "x"), count: 1 << 20).write(to: URL(fileURLWithPath: big))
        let unauthenticated = try TriageServe.curl([
            "-X", "POST", serve.url + "/api/v1/tickets", "-H", "Content-Type: application/json",
            "--data-binary", "@" + big,
        ])
        #expect(unauthenticated.stdout.hasSuffix("\n413"), "\(unauthenticated.stdout.suffix(200))")
        #expect(try serve.request("GET", "/api/v1/tickets").json["items"] as? [Any] != nil)
    }

    @Test func pastTheConnectionCapANewConnectionIsClosedAndLogged() throws {
        let folder = try TempFolder()
        let serve = try Self.serve(folder, maxConnections: 4)
        defer { serve.process.terminate() }
        var held: [RawConnection]? = try (0..<4).map { _ in try RawConnection(port: serve.port) }
        // Each held connection is admitted once it has its answer (no sleep: wait for that).
        for connection in held! {
            connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(connection.read(until: "\r\n\r\n", timeout: .seconds(10)).hasPrefix("HTTP/1.1 200"))
        }
        let refused = try RawConnection(port: serve.port)
        refused.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let (answer, closed) = refused.readUntilClosed(timeout: .seconds(1.5))
        #expect(closed && answer.isEmpty, "\(answer)")
        let log = (try? String(contentsOfFile: folder.path + "/serve.err", encoding: .utf8)) ?? ""
        #expect(log.contains("connection limit reached: 4 connections are open (http.maxConnections)"), "\(log)")
        // Once the held ones go, new connections are served again.
        held = nil
        var status = 0
        for _ in 0..<20 where status != 200 {
            usleep(100_000)
            status = try serve.request("GET", "/healthz").status
        }
        #expect(status == 200)
    }
}
