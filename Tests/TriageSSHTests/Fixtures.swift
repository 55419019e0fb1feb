import Foundation
import TestSupport

@testable import TriageSSH

let localUser = PathExpansion.localUser

extension TestSSHD {
    func destination(keys: [String]? = nil, knownHosts: String, mode: HostKeyPolicy.Mode = .strict) -> SSHDestination {
        SSHDestination(
            alias: "127.0.0.1", hostName: "127.0.0.1", port: port, user: localUser,
            identityFiles: keys ?? [clientKey], useAgent: false,
            hostKeyPolicy: HostKeyPolicy(mode: mode, knownHostsFiles: [knownHosts]))
    }

    /// Connects with the fixture's client key, trusting the fixture's host key.
    func connect(timeouts: SSHTimeouts = SSHTimeouts()) throws -> SSHConnection {
        let knownHosts = try knownHostsFile([try knownHostsLine()])
        return try SSHConnection.connect(
            to: destination(knownHosts: knownHosts), credentials: SSHCredentials(agentSocket: nil),
            timeouts: timeouts)
    }
}

extension ExecResult {
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs `body` and returns what it threw as an SSHError, with how long it took.
func expectSSHError(_ body: () throws -> Void) -> (SSHError?, Duration) {
    let started = ContinuousClock.now
    do {
        try body()
        return (nil, started.duration(to: .now))
    } catch let error as SSHError {
        return (error, started.duration(to: .now))
    } catch {
        return (nil, started.duration(to: .now))
    }
}
