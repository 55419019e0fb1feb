import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `triage-agent exec`: run one command on one host and report it the way `ssh` would —
/// the remote streams, then the remote exit status (255 when the connection itself failed
/// or the command timed out, 128 + N when a signal N ended it).
public struct RemoteExec: Sendable {
    public var target: String
    /// The remote command line; its words are joined with spaces, as `ssh` does.
    public var command: [String]
    public var stdin: [UInt8] = []
    public var resolve = SSHResolveOptions()
    public var timeouts = SSHTimeouts()
    public var credentials = SSHCredentials.fromEnvironment
    /// Where stdout goes as it arrives; nil collects it into `Outcome.stdout`.
    public var stdoutSink: (@Sendable (UnsafeRawBufferPointer) -> Void)?

    public init(target: String, command: [String]) {
        self.target = target
        self.command = command
    }

    /// What the command line prints and returns.
    public struct Outcome: Sendable {
        public var stdout: [UInt8] = []
        public var stderr: [UInt8] = []
        /// Lines of our own for stderr (accept-new notices, truncation, errors).
        public var notices: [String] = []
        public var exitCode: Int32 = 255
    }

    /// The exit code for failures that are not the remote command's own.
    public static let connectionFailure: Int32 = 255

    /// What OpenSSH says when accept-new records a host: which name, which key, which file.
    static func addedKeyNotice(connection: SSHConnection, destination: SSHDestination) -> String {
        let name = connection.addedKnownHostsLine?.split(separator: " ").first.map(String.init) ?? destination.label
        return "Warning: permanently added '\(name)' (\(connection.hostKey.summary)) to \(destination.hostKeyPolicy.knownHostsFiles[0])"
    }

    public func run() -> Outcome {
        var outcome = Outcome()
        do {
            let destination = try SSHDestination.resolve(target, options: resolve)
            let connection = try SSHConnection.connect(to: destination, credentials: credentials, timeouts: timeouts)
            if connection.addedKnownHostsLine != nil {
                outcome.notices.append(Self.addedKeyNotice(connection: connection, destination: destination))
            }
            let result = try connection.run(ExecRequest(command: command.joined(separator: " "), stdin: stdin, stdoutSink: stdoutSink))
            outcome.stdout = result.stdout
            outcome.stderr = result.stderr
            if result.stdoutTruncated || result.stderrTruncated {
                outcome.notices.append("triage-agent: output was longer than the limit and was cut")
            }
            if result.timedOut {
                let fate = result.stopped ? "was killed on the host" : "could not be confirmed killed (it may still run on the host)"
                outcome.notices.append(
                    "triage-agent: \(destination.label): the command timed out after \(timeouts.command?.secondsText ?? "?") and \(fate)")
                outcome.exitCode = Self.connectionFailure
            } else if let signal = result.exitSignal {
                outcome.notices.append("triage-agent: \(destination.label): the command was killed by signal \(signal)")
                outcome.exitCode = result.shellStatus ?? Self.connectionFailure
            } else {
                outcome.exitCode = result.exitStatus ?? Self.connectionFailure
            }
        } catch {
            outcome.notices.append("triage-agent: \(error)")
            outcome.exitCode = Self.connectionFailure
        }
        return outcome
    }
}
