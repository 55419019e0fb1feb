import TriageSSH

/// How one plugin script run ended, whichever way it ran.
public struct ScriptOutcome: Sendable, Equatable {
    public var stdout: [UInt8] = []
    public var stderr: [UInt8] = []
    /// nil when the script did not exit by itself (signal, timeout).
    public var exitCode: Int32?
    /// The signal that ended it ("KILL", "TERM" or a number), if any.
    public var signal: String?
    public var timedOut = false
    public var duration: Duration = .zero

    public init() {}
}

/// Runs a plugin's script text somewhere: over SSH with `sh -s`, or locally with /bin/sh.
/// A synchronous `run` satisfies the requirement (the local shell's does).
public protocol ScriptTransport {
    /// Runs `script` within `timeout`, or until `watch` gives an earlier deadline (seen in its
    /// stdout), then kills what it started and says `timedOut`.
    func run(script: [UInt8], timeout: Duration, outputLimit: Int, watch: (any StreamWatch)?) async throws -> ScriptOutcome
}
