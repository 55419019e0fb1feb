import Foundation

/// A server-sent event stream read by `curl -N` into a file, as a browser's EventSource would
/// hold it open: the test waits for what it expects to arrive.
public final class EventStream: @unchecked Sendable {
    public let process: ChildProcess
    private let file: String

    /// Opens `url` with the cookies in `jar` and any extra headers.
    public init(_ url: String, jar: String, headers: [String] = [], folder: TempFolder) throws {
        file = folder.path + "/stream-\(UUID().uuidString).txt"
        process = try ChildProcess("/usr/bin/curl", ["-s", "-N", "-b", jar, "-D", file + ".head", "-o", file, url]
                                   + headers.flatMap { ["-H", $0] }, stdout: nil, stderr: nil)
    }

    deinit { process.terminate() }

    /// What arrived so far.
    public var text: String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
    /// The response's headers, once they came.
    public var head: String { (try? String(contentsOfFile: file + ".head", encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the stream to contain `expected`; true when it does.
    public func waitFor(_ expected: String, seconds: Double) -> Bool { waitUntil(seconds: seconds) { $0.contains(expected) } }

    /// Waits up to `seconds` for what arrived to satisfy `condition`.
    public func waitUntil(seconds: Double, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if condition(text) { return true }
            usleep(50_000)
        }
        return condition(text)
    }

    /// True when the server ended the stream within `seconds` (curl exited).
    public func ends(within seconds: Double) -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if !process.isRunning { return true }
            usleep(50_000)
        }
        return !process.isRunning
    }
}

extension TriageServe {
    /// Signs `login` in on the board with curl, keeping the session cookie in `jar`; the status of the login post.
    @discardableResult
    public func signIn(_ login: String, password: String, jar: String) throws -> Int {
        let form = try Self.curl(["-c", jar, "-b", jar, url + "/board/login"]).stdout
        guard let csrf = form.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1 else { throw TestSupportError("no login form: \(form)") }
        let reply = try Self.curl(["-o", "/dev/null", "-c", jar, "-b", jar, "--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "login=\(login)",
                                   "--data-urlencode", "password=\(password)", "--data-urlencode", "next=/board", url + "/board/login"])
        return Int(reply.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Creates an account with the command line (on this server's data folder, or `config`, or `database`).
    public func createUser(_ login: String, role: String, password: String, technician: Int? = nil, config: String? = nil,
                           database: String? = nil) throws {
        let place = (config.map { ["--config", $0] } ?? ["--data", data]) + (database.map { ["--database", $0] } ?? [])
            + (technician.map { ["--technician", "\($0)"] } ?? [])
        let made = try Shell.run(builtProduct("triage"), ["user", "create", login, "--role", role, "--password-stdin"] + place, input: password + "\n")
        guard made.status == 0 else { throw TestSupportError("triage user create: \(made.stderr)") }
    }
}
