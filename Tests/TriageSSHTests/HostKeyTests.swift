import Foundation
import TestSupport
import Testing

@testable import TriageSSH

/// Host key checking against a real sshd: nothing unverified is ever trusted.
@Suite struct HostKeyTests {
    let sshd: TestSSHD
    init() throws { sshd = try TestSSHD(hostKeyTypes: ["ed25519", "ecdsa"]) }

    var noAgent: SSHCredentials { SSHCredentials(agentSocket: nil) }

    @Test func anUnknownHostIsRefusedInStrictMode() throws {
        let knownHosts = try sshd.knownHostsFile([])
        let (error, _) = expectSSHError {
            _ = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts), credentials: noAgent)
        }
        #expect(error?.code == .hostKeyUnknown)
        #expect(error?.phase == .hostKey)
        let fingerprint = try Shell.fingerprint(sshd.hostPublicKeys["ed25519"]!)
        #expect(error?.message.contains(fingerprint) == true)
        #expect(error?.message.contains("[127.0.0.1]:\(sshd.port)") == true)
        #expect(!sshd.log.contains("userauth-request"))  // refused before any credential was sent
    }

    @Test func acceptNewRecordsALineThatSSHKeygenFinds() throws {
        let knownHosts = sshd.folder.path + "/fresh/known_hosts"
        let first = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts, mode: .acceptNew), credentials: noAgent)
        #expect(first.addedKnownHostsLine != nil)
        let found = try Shell.run("/usr/bin/ssh-keygen", ["-F", "[127.0.0.1]:\(sshd.port)", "-f", knownHosts])
        #expect(found.status == 0)
        #expect(found.stdout.contains(first.hostKey.base64))

        // Now known: strict mode accepts it and nothing more is written.
        let second = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts), credentials: noAgent)
        #expect(second.addedKnownHostsLine == nil)
        #expect(second.hostKey == first.hostKey)
    }

    @Test func aWrongKeyIsRefusedWithBothFingerprintsEvenWithAcceptNew() throws {
        let impostor = sshd.folder.path + "/impostor"
        try Shell.keygen(type: "ed25519", file: impostor)
        let fields = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
        let knownHosts = try sshd.knownHostsFile(["# ours", "[127.0.0.1]:\(sshd.port) \(fields[0]) \(fields[1])"])
        for mode in [HostKeyPolicy.Mode.strict, .acceptNew] {
            let (error, _) = expectSSHError {
                _ = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts, mode: mode), credentials: noAgent)
            }
            #expect(error?.code == .hostKeyChanged)
            #expect(error?.message.contains(try Shell.fingerprint(impostor + ".pub")) == true)
            #expect(error?.message.contains(try Shell.fingerprint(sshd.hostPublicKeys["ed25519"]!)) == true)
            #expect(error?.message.contains("\(knownHosts):2") == true)
        }
        #expect(!sshd.log.contains("userauth-request"))
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).split(separator: "\n").count == 2)  // nothing added
    }

    @Test func hashedEntriesAreHonoured() throws {
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
        #expect(try Shell.run("/usr/bin/ssh-keygen", ["-H", "-f", knownHosts]).status == 0)
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).hasPrefix("|1|"))
        let connection = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts), credentials: noAgent)
        #expect(try connection.run(ExecRequest(command: "echo ok")).out == "ok\n")
    }

    @Test func aRevokedKeyIsRefusedEvenWhenListed() throws {
        let line = try sshd.knownHostsLine()
        let keyPart = line.split(separator: " ").dropFirst().joined(separator: " ")
        let knownHosts = try sshd.knownHostsFile([line, "@revoked * \(keyPart)"])
        let (error, _) = expectSSHError {
            _ = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts), credentials: noAgent)
        }
        #expect(error?.code == .hostKeyRevoked)
        #expect(error?.message.contains("\(knownHosts):2") == true)
    }

    @Test func theKnownKeyTypeIsAskedForFirst() throws {
        // The server has ed25519 and ECDSA keys; we only know its ECDSA key.
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine(type: "ecdsa")])
        let connection = try SSHConnection.connect(to: sshd.destination(knownHosts: knownHosts), credentials: noAgent)
        #expect(connection.hostKey.type == "ecdsa-sha2-nistp256")
    }
}

/// A known_hosts that cannot be written is named, with the reason in words.
@Suite struct KnownHostsWriteTests {
    @Test func anUnwritableKnownHostsIsSaidInWords() throws {
        let sshd = try TestSSHD()
        let blocker = sshd.folder.path + "/plain-file"
        try "".write(toFile: blocker, atomically: true, encoding: .utf8)
        let cases = [
            (blocker + "/known_hosts", "cannot open it for writing: Not a directory"),
            (sshd.folder.path, "cannot open it for writing: Is a directory"),
        ]
        for (file, reason) in cases {
            let (error, _) = expectSSHError {
                _ = try SSHConnection.connect(
                    to: sshd.destination(knownHosts: file, mode: .acceptNew), credentials: SSHCredentials(agentSocket: nil))
            }
            #expect(error?.code == .knownHostsUnwritable)
            #expect(error?.message.contains("cannot record the new host key in \(file): \(reason)") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("NSPOSIXErrorDomain") == false)
        }
    }
}
