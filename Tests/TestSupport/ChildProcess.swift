import Foundation
import TriageChecks

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for the tests, reaped by its own PID.
///
/// Foundation's Process is not used: on Linux its reaper thread can block in wait4() on one
/// long-lived child (a test sshd) and then never notices any other child exit, and its
/// children inherit every open descriptor. Stdout and stderr go to files (or /dev/null).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private var status: Int32?

    /// Whether the child leads a process group of its own, which `terminate` ends whole.
    private let leadsGroup: Bool

    /// `stdin`: a file the child reads (else /dev/null). `ownGroup`: the child and whatever it
    /// starts (chromedriver's browser) are one process group, ended together.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        stdin: String? = nil, stdout: String? = nil, stderr: String? = nil, ownGroup: Bool = false
    ) throws {
        leadsGroup = ownGroup
        pid = try ProcessSpawner.spawn(
            executable, arguments, environment: environment,
            stdin: stdin.map { .file($0, flags: O_RDONLY) } ?? .null,
            stdout: stdout.map { .output($0) } ?? .null, stderr: stderr.map { .output($0) } ?? .null,
            newSession: ownGroup)
    }

    deinit { if status == nil { terminate() } }

    /// Waits for the exit: the exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        if let status { return status }
        let result = ProcessSpawner.wait(pid)
        status = result
        return result
    }

    /// Waits up to `seconds` for the exit: its status, or nil while the child still runs.
    public func wait(seconds: Double) -> Int32? {
        let deadline = Date() + seconds
        while isRunning && Date() < deadline { usleep(50_000) }
        return isRunning ? nil : status
    }

    /// Every thread's stack, by gdb where it is installed: what a child that hangs is doing.
    public func stacks() -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb"),
            let gdb = try? Shell.run("/usr/bin/gdb", ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt 16"])
        else { return "(no gdb to show the stacks)" }
        return gdb.stdout.split(separator: "\n").filter { $0.hasPrefix("#") || $0.hasPrefix("Thread ") }.joined(separator: "\n")
    }

    /// True while the child has not exited (reaps it if it has).
    public var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let rc = waitpid(pid, &raw, WNOHANG)
        if rc == pid {
            status = ProcessSpawner.status(raw)
            return false
        }
        return rc == 0
    }

    /// SIGTERM, then waits. A group leader's whole group is signalled, and whatever of it is
    /// left once the leader has exited is killed: nothing it started outlives it.
    public func terminate() {
        if status == nil { kill(leadsGroup ? -pid : pid, SIGTERM) }
        wait()
        if leadsGroup { kill(-pid, SIGKILL) }
    }
}
