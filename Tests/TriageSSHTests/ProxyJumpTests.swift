import Foundation
import TestSupport
import Testing

@testable import TriageSSH

/// ProxyJump through a second real sshd, configured the way technicians do: in ssh config.
@Suite struct ProxyJumpTests {
    let bastion: TestSSHD
    let target: TestSSHD
    let knownHosts: String

    init() throws {
        bastion = try TestSSHD()
        target = try TestSSHD()
        try target.authorize(bastion.clientKey + ".pub")
        knownHosts = try bastion.knownHostsFile([try bastion.knownHostsLine(), try target.knownHostsLine()])
    }

    func options(targetPort: Int) throws -> SSHResolveOptions {
        let config = try SSHConfig(
            text: """
                Host customer-db
                    HostName 127.0.0.1
                    Port \(targetPort)
                    ProxyJump ops@bastion
                Host bastion
                    HostName 127.0.0.1
                    Port \(bastion.port)
                """)
        return SSHResolveOptions(config: config, identityFiles: [bastion.clientKey], knownHostsFile: knownHosts)
    }

    @Test func commandsRunThroughTheBastion() throws {
        var destination = try SSHDestination.resolve("customer-db", options: try options(targetPort: target.port))
        #expect(destination.jumpHosts.first?.user == "ops")
        destination.jumpHosts[0].user = localUser  // the test sshd knows only the local user
        let connection = try SSHConnection.connect(to: destination, credentials: SSHCredentials(agentSocket: nil))
        let result = try connection.run(ExecRequest(command: "echo through; head -c 1200000 /dev/zero"))
        #expect(result.stdout.prefix(8) == Array("through\n".utf8)[...])
        #expect(result.stdout.count == 8 + 1_200_000)
        #expect(try connection.run(ExecRequest(command: "exit 5")).exitStatus == 5)
        // The bastion's sshd saw the tunnel to the target.
        #expect(bastion.log.contains("target 127.0.0.1 port \(target.port)"))
    }

    @Test func aTargetTheBastionCannotReachIsAProxyError() throws {
        var destination = try SSHDestination.resolve("customer-db", options: try options(targetPort: try TestSSHD.freePort()))
        destination.jumpHosts[0].user = localUser
        let (error, _) = expectSSHError { _ = try SSHConnection.connect(to: destination, credentials: SSHCredentials(agentSocket: nil)) }
        #expect(error?.phase == .proxy)
        #expect(error?.message.contains("could not connect to 127.0.0.1") == true)
    }
}
