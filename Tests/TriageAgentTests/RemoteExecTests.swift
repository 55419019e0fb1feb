import Foundation
import TestSupport
import Testing
import TriageAgent
import TriageSSH

/// `triage-agent exec` as a technician uses it: the real binary against a real sshd.
@Suite struct RemoteExecTests {
    let sshd: TestSSHD
    let knownHosts: String
    init() throws {
        sshd = try TestSSHD()
        knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
    }

    /// The triage-agent binary SwiftPM built next to this test bundle.
    static let binary = builtProduct("triage-agent")

    func agent(_ arguments: [String], prefix: [String] = []) throws -> Shell.Output {
        let all = prefix + [Self.binary] + arguments
        return try Shell.run(all[0], Array(all.dropFirst()), environment: ["SSH_AUTH_SOCK": ""])
    }

    var target: String { "127.0.0.1:\(sshd.port)" }
    var common: [String] { ["-i", sshd.clientKey, "--known-hosts", knownHosts] }

    @Test func printsBothStreamsAndExitsWithTheRemoteStatus() throws {
        let result = try agent(["exec", target] + common + ["--", "echo out; echo err >&2; exit 3"])
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
        #expect(result.status == 3)
    }

    @Test func sendsAScriptFromAFile() throws {
        let script = sshd.folder.path + "/check.sh"
        try "printf 'checked %s\\n' \"$(echo ok)\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        let result = try agent(["exec", target] + common + ["--stdin-file", script, "--", "sh", "-s"])
        #expect(result.stdout == "checked ok\n")
        #expect(result.status == 0)
    }

    @Test func aSignalBecomes128PlusItsNumber() throws {
        let result = try agent(["exec", target] + common + ["--", "kill -KILL $$"])
        #expect(result.status == 137)
        #expect(result.stderr.contains("killed by signal KILL"))
    }

    @Test func connectionFailuresExit255WithTheReason() throws {
        let closed = try TestSSHD.freePort()
        let refused = try agent(["exec", "127.0.0.1:\(closed)"] + common + ["--", "true"])
        #expect(refused.status == 255)
        #expect(refused.stderr.contains("connection refused by 127.0.0.1:\(closed)"))

        let unknown = try agent(["exec", target, "--known-hosts", sshd.folder.path + "/empty", "-i", sshd.clientKey, "--", "true"])
        #expect(unknown.status == 255)
        #expect(unknown.stderr.contains("is not in known_hosts"))
    }

    @Test func acceptNewTellsWhatItRecorded() throws {
        let fresh = sshd.folder.path + "/fresh_known_hosts"
        let first = try agent(["exec", target, "-i", sshd.clientKey, "--known-hosts", fresh, "--accept-new", "--", "echo hi"])
        #expect(first.status == 0 && first.stdout == "hi\n")
        #expect(first.stderr.contains("permanently added '[127.0.0.1]:\(sshd.port)'"))
        let second = try agent(["exec", target, "-i", sshd.clientKey, "--known-hosts", fresh, "--", "echo hi"])
        #expect(second.status == 0 && second.stderr.isEmpty)
    }

    @Test func theTimeoutBoundsTheCommand() throws {
        let started = Date()
        let result = try agent(["exec", target] + common + ["--timeout", "1", "--", "sleep 20"])
        #expect(result.status == 255)
        #expect(result.stderr.contains("timed out after 1 s"))
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func anAliasFromAnSSHConfigFile() throws {
        let config = sshd.folder.path + "/ssh_config"
        try
            "Host lab-box\n  HostName 127.0.0.1\n  Port \(sshd.port)\n  IdentityFile \(sshd.clientKey)\n  UserKnownHostsFile \(knownHosts)\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let result = try agent(["exec", "lab-box", "-F", config, "--", "echo aliased"])
        #expect(result.stdout == "aliased\n")
        #expect(result.status == 0)
    }

    @Test func aNameThatDoesNotResolve() throws {
        // In a network namespace of its own (no route anywhere) the lookup fails without any
        // packet leaving this machine.
        let result = try agent(
            ["exec", "no-such-host.invalid"] + common + ["--timeout", "3", "--", "true"],
            prefix: ["/usr/bin/unshare", "--net"])
        #expect(result.status == 255)
        #expect(result.stderr.contains("resolve: cannot resolve host name 'no-such-host.invalid'"))
    }

    @Test func badArgumentsAreExplained() throws {
        let noCommand = try agent(["exec", target])
        #expect(noCommand.status == 64)
        #expect(noCommand.stderr.contains("give the remote command after --"))
        let badTarget = try agent(["exec", "web1:http"] + common + ["--", "true"])
        #expect(badTarget.status == 255)
        #expect(badTarget.stderr.contains("is not a port number"))
        let missingKey = try agent(["exec", target, "-i", "/nonexistent/key", "--known-hosts", knownHosts, "--", "true"])
        #expect(missingKey.stderr.contains("identity file /nonexistent/key does not exist"))
    }

    @Test func theLibraryRunnerReportsTheSameAsTheBinary() throws {
        var exec = RemoteExec(target: target, command: ["printf", "%s", "x"])
        exec.resolve = SSHResolveOptions(identityFiles: [sshd.clientKey], knownHostsFile: knownHosts)
        exec.credentials = SSHCredentials(agentSocket: nil)
        let outcome = exec.run()
        #expect(outcome.stdout == Array("x".utf8))
        #expect(outcome.exitCode == 0)
        #expect(outcome.notices.isEmpty)
    }
}
