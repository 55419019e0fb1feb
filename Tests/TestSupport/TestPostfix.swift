import Foundation

/// Debian's Postfix (`apt-get install postfix`), configured and started by a test without
/// systemd, listening on loopback only, delivering mail for `support@triage.test` through an
/// alias pipe to a command (docs/testing.md, "Mail"). One Postfix per machine: the suites that
/// use it are serialized. The pipe runs as `nobody`, so what it reads must be readable by all.
public final class TestPostfix: @unchecked Sendable {
    public static let domain = "triage.test"
    public static var installed: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/postfix") }

    /// Postfix configured for `command` for the time of `body`, then stopped: one test at a time
    /// (suites run in parallel, and there is one Postfix).
    public static func exclusive<T>(command: String, _ body: (TestPostfix) async throws -> T) async throws -> T {
        await turn.lock()
        do {
            let postfix = try TestPostfix(command: command)
            defer { postfix.stop() }
            let result = try await body(postfix)
            await turn.unlock()
            return result
        } catch {
            await turn.unlock()
            throw error
        }
    }

    private static let turn = AsyncTurn()

    /// Points the `support` alias at `command` and (re)starts Postfix.
    init(command: String) throws {
        guard Self.installed else {
            throw TestSupportError("Postfix is not installed (apt-get install postfix; Deploy/setup.sh --tests does)")
        }
        try Self.run(
            "/usr/sbin/postconf",
            [
                "-e", "inet_interfaces = loopback-only", "mydestination = \(Self.domain), localhost",
                "myhostname = \(Self.domain)", "maillog_file = /var/log/postfix.log", "recipient_delimiter = +",
                "alias_maps = hash:/etc/aliases", "alias_database = hash:/etc/aliases",
                "smtputf8_enable = no", "message_size_limit = 104857600",
            ])
        var aliases = ((try? String(contentsOfFile: "/etc/aliases", encoding: .utf8)) ?? "").split(separator: "\n")
            .filter { !$0.hasPrefix("support:") }.map(String.init)
        aliases.append("support: \"|\(command)\"")
        try (aliases.joined(separator: "\n") + "\n").write(toFile: "/etc/aliases", atomically: true, encoding: .utf8)
        try Self.run("/usr/bin/newaliases", [])
        if Shell.runQuietly("/usr/sbin/postfix", ["status"]) == 0 {
            try Self.run("/usr/sbin/postfix", ["reload"])
        } else {
            try Self.run("/usr/sbin/postfix", ["start"])
        }
    }

    /// Hands a message to Postfix as a mail program does: `sendmail -i -f SENDER -- RCPT`.
    public func send(_ raw: String, from sender: String, to recipient: String = "support@\(TestPostfix.domain)") throws {
        let result = try Shell.run("/usr/sbin/sendmail", ["-i", "-f", sender, "--", recipient], input: raw)
        guard result.status == 0 else { throw TestSupportError("sendmail failed: \(result.stderr)") }
    }

    /// The queue as `postqueue -p` lists it ("Mail queue is empty" when nothing waits).
    public var queue: String { (try? Shell.run("/usr/sbin/postqueue", ["-p"]).stdout) ?? "" }

    /// Delivers what waits in the queue now.
    public func flush() throws { try Self.run("/usr/sbin/postqueue", ["-f"]) }

    /// Empties the queue and stops Postfix.
    public func stop() {
        _ = Shell.runQuietly("/usr/sbin/postsuper", ["-d", "ALL"])
        _ = Shell.runQuietly("/usr/sbin/postfix", ["stop"])
    }

    /// The log lines about delivery to the pipe (for a failing test's message).
    public var log: String {
        ((try? String(contentsOfFile: "/var/log/postfix.log", encoding: .utf8)) ?? "").split(separator: "\n").suffix(20).joined(
            separator: "\n")
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let result = try Shell.run(executable, arguments)
        guard result.status == 0 else {
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
    }
}

extension Shell {
    /// A tool's exit status, its output dropped.
    public static func runQuietly(_ executable: String, _ arguments: [String]) -> Int32 {
        (try? run(executable, arguments).status) ?? -1
    }
}

/// Waiters take turns, in order.
actor AsyncTurn {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func unlock() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
