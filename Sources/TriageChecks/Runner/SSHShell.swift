import TriageSSH

/// Runs scripts on a host over one SSH connection, each through its own `sh -s` channel.
///
/// Not Sendable, like the connection it uses: it belongs to the task that connected.
public struct SSHShell: ScriptTransport {
    public let connection: SSHConnection

    public init(connection: SSHConnection) { self.connection = connection }

    public func run(script: [UInt8], timeout: Duration, outputLimit: Int, watch: (any StreamWatch)?) async throws -> ScriptOutcome {
        let result = try await connection.run(
            ExecRequest(
                command: "sh -s", stdin: script, timeout: timeout, outputLimit: outputLimit,
                watch: watch))
        var outcome = ScriptOutcome()
        outcome.stdout = result.stdout
        outcome.stderr = result.stderr
        outcome.exitCode = result.exitStatus
        outcome.signal = result.exitSignal
        outcome.timedOut = result.timedOut
        outcome.duration = result.duration
        return outcome
    }
}
