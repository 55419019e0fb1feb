import Foundation
import Synchronization
import TestSupport
import Testing

/// `triage-agent exec` through a jump host, many times: the process must exit with the remote
/// status every time. It used to exit 139 (SIGSEGV) about one run in 20, when exit-time cleanup
/// raced the tunnel's pump thread.
@Suite struct ProxyJumpExecTests {
    @Test func theRemoteStatusComesBackEveryTimeThroughAJumpHost() throws {
        let bastion = try TestSSHD()
        let target = try TestSSHD()
        try target.authorize(bastion.clientKey + ".pub")
        let knownHosts = try bastion.knownHostsFile([try bastion.knownHostsLine(), try target.knownHostsLine()])
        let config = bastion.folder.path + "/ssh_config"
        try """
        Host customer-db
            HostName 127.0.0.1
            Port \(target.port)
            ProxyJump bastion
        Host bastion
            HostName 127.0.0.1
            Port \(bastion.port)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let runs = 100
        let workers = 4
        let statuses = Mutex([Int32: Int]())
        let outputs = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            for _ in 0..<(runs / workers) {
                guard
                    let result = try? Shell.run(
                        RemoteExecTests.binary,
                        [
                            "exec", "customer-db", "-F", config, "-i", bastion.clientKey, "--known-hosts", knownHosts,
                            "--", "echo through; exit 7",
                        ], environment: ["SSH_AUTH_SOCK": ""])
                else { continue }
                statuses.withLock { $0[result.status, default: 0] += 1 }
                if result.stdout == "through\n" { outputs.withLock { $0 += 1 } }
            }
        }
        #expect(statuses.withLock { $0 } == [7: runs])
        #expect(outputs.withLock { $0 } == runs)
    }
}
