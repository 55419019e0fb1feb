import Foundation
import TestSupport
import Testing

@testable import TriageSSH

#if canImport(Glibc)
    import Glibc
#endif

/// Public-key authentication against a real sshd, from files and from a real ssh-agent.
@Suite struct AuthTests {
    let sshd: TestSSHD
    let knownHosts: String
    init() throws {
        sshd = try TestSSHD()
        knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
    }

    func key(_ type: String, passphrase: String = "", authorized: Bool = true) throws -> String {
        let path = sshd.folder.path + "/user_\(type)_\(passphrase.isEmpty ? "plain" : "locked")"
        try Shell.keygen(type: type, file: path, passphrase: passphrase)
        if authorized { try sshd.authorize(path + ".pub") }
        return path
    }

    func connect(keys: [String], passphrase: String? = nil, agent: String? = nil) throws -> SSHConnection {
        var destination = sshd.destination(keys: keys, knownHosts: knownHosts)
        destination.useAgent = agent != nil
        return try SSHConnection.connect(to: destination, credentials: SSHCredentials(agentSocket: agent) { _ in passphrase })
    }

    @Test func ed25519AndECDSAKeysWork() throws {
        for type in ["ed25519", "ecdsa"] {
            let connection = try connect(keys: [try key(type)])
            #expect(try connection.run(ExecRequest(command: "whoami")).out == "\(localUser)\n")
        }
    }

    /// Unencrypted OpenSSH keys are signed by KeySigner (libssh2 never parses them): every curve
    /// the server accepts, and the signer's public blob is the .pub file's.
    @Test(arguments: [("ed25519", 256), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521)])
    func keysSignedWithoutLibssh2sParser(type: String, bits: Int) throws {
        let path = sshd.folder.path + "/user_\(type)_\(bits)"
        _ = try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-b", "\(bits)", "-N", "", "-f", path])
        try sshd.authorize(path + ".pub")
        let signer = try #require(try PrivateKeyFile.load(path, host: "t")?.signer)
        let published = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ")[1]
        #expect(Data(signer.publicBlob).base64EncodedString() == published)
        let connection = try connect(keys: [path])
        #expect(try connection.run(ExecRequest(command: "whoami")).out == "\(localUser)\n")
    }

    @Test func encryptedKeysAreLeftToLibssh2() throws {
        let locked = try key("ed25519", passphrase: "secret")
        #expect(try PrivateKeyFile.load(locked, host: "t")?.signer == nil)
    }

    @Test func aWrongKeyNamesTheUserAndTheKey() throws {
        let stranger = try key("ed25519", authorized: false)
        let (error, _) = expectSSHError { _ = try connect(keys: [stranger]) }
        #expect(error?.code == .authRejected)
        #expect(error?.phase == .auth)
        #expect(error?.message.contains("'\(localUser)'") == true)
        #expect(error?.message.contains(stranger) == true)
        #expect(error?.message.contains(try Shell.fingerprint(stranger + ".pub")) == true)
    }

    @Test func theNextKeyIsTriedAfterARefusal() throws {
        let stranger = try key("ecdsa", authorized: false)
        let connection = try connect(keys: [stranger, sshd.clientKey])
        #expect(try connection.run(ExecRequest(command: "true")).exitStatus == 0)
    }

    @Test func passphraseProtectedKeys() throws {
        let locked = try key("ed25519", passphrase: "correct horse")
        #expect(try connect(keys: [locked], passphrase: "correct horse").run(ExecRequest(command: "true")).exitStatus == 0)

        let (wrong, _) = expectSSHError { _ = try connect(keys: [locked], passphrase: "wrong") }
        #expect(wrong?.code == .keyPassphrase)
        #expect(wrong?.message.contains(locked) == true)

        let (missing, _) = expectSSHError { _ = try connect(keys: [locked], passphrase: nil) }
        #expect(missing?.code == .authRejected)
        #expect(missing?.message.contains("passphrase-protected") == true)
    }

    @Test func anRSAKeyFailsWithTheReason() throws {
        let rsa = try key("rsa")
        let (error, _) = expectSSHError { _ = try connect(keys: [rsa]) }
        #expect(error?.code == .rsaNeedsSHA2)
        #expect(error?.message.contains("ssh-rsa (SHA-1)") == true)
        #expect(error?.message.contains("OpenSSH 8.8") == true)
        #expect(error?.message.contains("ed25519 or ECDSA") == true)
    }

    @Test func keysHeldByARealSSHAgent() throws {
        let socket = sshd.folder.path + "/agent.sock"
        let agent = try ChildProcess("/usr/bin/ssh-agent", ["-D", "-a", socket])
        defer { agent.terminate() }
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { usleep(10_000) }
        let add = try Shell.run("/usr/bin/ssh-add", [try key("ecdsa")], environment: ["SSH_AUTH_SOCK": socket])
        #expect(add.status == 0)

        // No key file at all: only the agent can authenticate.
        let connection = try connect(keys: [sshd.folder.path + "/does-not-exist"], agent: socket)
        #expect(try connection.run(ExecRequest(command: "echo via-agent")).out == "via-agent\n")

        // An agent whose keys are refused gives way to the key file.
        let refused = try Shell.run("/usr/bin/ssh-add", ["-D"], environment: ["SSH_AUTH_SOCK": socket])
        #expect(refused.status == 0)
        _ = try Shell.run("/usr/bin/ssh-add", [try key("ed25519", authorized: false)], environment: ["SSH_AUTH_SOCK": socket])
        let fallback = try connect(keys: [sshd.clientKey], agent: socket)
        #expect(try fallback.run(ExecRequest(command: "true")).exitStatus == 0)
    }

    @Test func noKeyAtAllSaysSo() throws {
        let (error, _) = expectSSHError { _ = try connect(keys: [sshd.folder.path + "/nothing-here"]) }
        #expect(error?.code == .authRejected)
        #expect(error?.message.contains("no identity file found") == true)
    }
}
