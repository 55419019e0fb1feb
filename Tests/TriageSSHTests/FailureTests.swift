import Foundation
import TestSupport
import Testing

@testable import TriageSSH

#if canImport(Glibc)
    import Glibc
#endif

/// Dead, silent and slow hosts cost at most their timeout, with a clear error.
@Suite struct FailureTests {
    let noAgent = SSHCredentials(agentSocket: nil)

    func destination(port: Int, knownHosts: String = "/dev/null") -> SSHDestination {
        SSHDestination(
            alias: "127.0.0.1", hostName: "127.0.0.1", port: port, user: localUser, identityFiles: [],
            useAgent: false, hostKeyPolicy: HostKeyPolicy(mode: .strict, knownHostsFiles: [knownHosts]))
    }

    @Test func aClosedPortIsRefusedAtOnce() throws {
        let port = try TestSSHD.freePort()
        let (error, elapsed) = expectSSHError { _ = try SSHConnection.connect(to: destination(port: port), credentials: noAgent) }
        #expect(error?.code == .connectionRefused)
        #expect(error?.phase == .connect)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        #expect(elapsed < .seconds(3), "a refusal is at once; a loose bound on a loaded machine")
    }

    @Test func aListenerThatNeverSpeaksTimesOutTheHandshake() throws {
        let listener = try SilentListener()
        defer { withExtendedLifetime(listener) {} }
        let port = listener.port
        let timeouts = SSHTimeouts(connect: .seconds(1), authentication: .seconds(1))
        let (error, elapsed) = expectSSHError {
            _ = try SSHConnection.connect(to: destination(port: port), credentials: noAgent, timeouts: timeouts)
        }
        #expect(error?.code == .timedOut)
        #expect(error?.phase == .handshake)
        #expect(elapsed >= .milliseconds(950))
        #expect(elapsed < .seconds(6), "bounded by the 1 s timeout, loosely")
    }

    @Test func aHungCommandEndsAtItsTimeout() throws {
        let sshd = try TestSSHD()
        let connection = try sshd.connect(timeouts: SSHTimeouts(command: .seconds(1)))
        let started = ContinuousClock.now
        let result = try connection.run(ExecRequest(command: "sleep 30"))
        #expect(result.timedOut && result.exitStatus == nil)
        #expect(started.duration(to: .now) < .seconds(10), "sleep 30 was cut by the 1 s timeout")
    }

    @Test func aPeerThatClosesMidSessionIsAConnectionError() throws {
        let sshd = try TestSSHD()
        let connection = try sshd.connect()
        // Kill this connection's own sshd child from inside: the session ends under us.
        let (error, _) = expectSSHError { _ = try connection.run(ExecRequest(command: "kill -KILL $PPID; sleep 5", timeout: .seconds(5))) }
        #expect(error?.phase == .exec)
        #expect(error?.code == .connectionLost || error?.code == .channelFailure)
    }
}
