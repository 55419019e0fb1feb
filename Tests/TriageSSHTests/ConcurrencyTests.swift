import Foundation
import TestSupport
import Testing

@testable import TriageSSH

/// Many sessions at once, each owned by its own thread, against one sshd.
@Suite struct ConcurrencyTests {
    @Test func sixtyFourConcurrentSessionsAllSucceed() throws {
        let sshd = try TestSSHD()
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
        let destination = sshd.destination(knownHosts: knownHosts)
        let results = Results()
        let group = DispatchGroup()
        for index in 0..<64 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let connection = try SSHConnection.connect(to: destination, credentials: SSHCredentials(agentSocket: nil))
                    let result = try connection.run(ExecRequest(command: "echo \(index)"))
                    results.record(index, result.out == "\(index)\n" && result.exitStatus == 0 ? nil : "bad output \(result.out)")
                } catch {
                    results.record(index, "\(error)")
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(results.failures.isEmpty, "\(results.failures)")
        #expect(results.count == 64)
    }

    /// @unchecked Sendable: all access holds the lock.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var done: [Int: String?] = [:]
        func record(_ index: Int, _ failure: String?) { lock.withLock { done[index] = failure } }
        var count: Int { lock.withLock { done.count } }
        var failures: [String] { lock.withLock { done.values.compactMap { $0 } } }
    }
}
