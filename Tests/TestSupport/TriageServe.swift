import Foundation

/// `triage serve` on a free loopback port with its data in `folder`, started and waited for.
public struct TriageServe {
    public let process: ChildProcess
    public let port: Int
    /// What it printed up to the "listening" line (the admin token on a first start).
    public let stdout: String

    /// Its data folder.
    public let data: String

    public var url: String { "http://127.0.0.1:\(port)" }
    /// The admin token a first start writes to `admin-token` in its data folder (stdout is not a terminal).
    public var adminToken: String {
        ((try? String(contentsOfFile: data + "/admin-token", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The one-time setup link a start without accounts writes to `setup-link` in its data folder.
    public var setupLink: String {
        ((try? String(contentsOfFile: data + "/setup-link", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What it was started with beside this process's environment (a shared TRIAGE_SECRET_KEY):
    /// the command-line tools run against its database need the same.
    public let environment: [String: String]?

    /// Port 0 takes a free one; a restart passes the port it had.
    public init(_ folder: TempFolder, _ extra: [String] = [], port: Int = 0, environment: [String: String]? = nil) throws {
        self.environment = environment
        let out = folder.path + "/serve-\(UUID().uuidString).out"
        data = folder.path + "/data"
        let child = try ChildProcess(
            builtProduct("triage"), ["serve", "--data", data, "--listen", "127.0.0.1:\(port)"] + extra,
            environment: environment, stdout: out, stderr: folder.path + "/serve.err")
        let prefix = "triage listening on http://127.0.0.1:"
        let deadline = Date() + 30
        while Date() < deadline {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
                let port = Int(line.dropFirst(prefix.count).prefix { $0.isNumber })
            {
                (process, self.port, stdout) = (child, port, text)
                return
            }
            guard child.isRunning else { break }
            usleep(50_000)
        }
        child.terminate()
        let errors = (try? String(contentsOfFile: folder.path + "/serve.err", encoding: .utf8)) ?? ""
        throw TestSupportError("triage serve did not start: \(errors)")
    }

    /// curl with the status code on the last line.
    public static func curl(_ arguments: [String]) throws -> Shell.Output {
        try Shell.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}"] + arguments)
    }

    /// A JSON request as `token`; the parsed answer and its status.
    public func request(_ method: String, _ path: String, _ json: String? = nil, token: String? = nil) throws
        -> (status: Int, json: [String: Any])
    {
        var arguments = ["-X", method, url + path, "-H", "Authorization: Bearer \(token ?? adminToken)"]
        if let json { arguments += ["-H", "Content-Type: application/json", "-d", json] }
        let lines = try Self.curl(arguments).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.dropLast().joined(separator: "\n")
        return (
            Int(lines.last ?? "") ?? 0,
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        )
    }
}

/// A person on the board, as a script makes one and signs in.
extension TriageServe {
    /// Signs `login` in on the board with curl, keeping the session cookie in `jar`; the status of the login post.
    @discardableResult
    public func signIn(_ login: String, password: String, jar: String) throws -> Int {
        let form = try Self.curl(["-c", jar, "-b", jar, url + "/board/login"]).stdout
        guard let csrf = form.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1 else { throw TestSupportError("no login form: \(form)") }
        let reply = try Self.curl([
            "-o", "/dev/null", "-c", jar, "-b", jar, "--data-urlencode", "csrf=\(csrf)", "--data-urlencode", "login=\(login)",
            "--data-urlencode", "password=\(password)", "--data-urlencode", "next=/board", url + "/board/login",
        ])
        return Int(reply.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Creates an account with the command line (on this server's data folder, or `config`, or `database`).
    public func createUser(
        _ login: String, role: String, password: String, technician: Int? = nil, email: String? = nil, config: String? = nil,
        database: String? = nil
    ) throws {
        var place: [String] = config.map { ["--config", $0] } ?? ["--data", data]
        if let database { place += ["--database", database] }
        if let technician { place += ["--technician", "\(technician)"] }
        if let email { place += ["--email", email] }
        let made = try Shell.run(
            builtProduct("triage"), ["user", "create", login, "--role", role, "--password-stdin"] + place,
            environment: environment, input: password + "\n")
        guard made.status == 0 else { throw TestSupportError("triage user create: \(made.stderr)") }
    }
}
