import Foundation
import TestSupport
import Testing

@testable import TriageSSH

/// known_hosts parsing and decisions, on files written and hashed by the real ssh-keygen.
@Suite struct KnownHostsTests {
    let folder: TempFolder
    let key: HostKey
    let other: HostKey
    let keyLine: String  // "TYPE BASE64"
    let otherLine: String

    init() throws {
        folder = try TempFolder()
        try Shell.keygen(type: "ed25519", file: folder.path + "/a")
        try Shell.keygen(type: "ecdsa", file: folder.path + "/b")
        (key, keyLine) = try Self.load(folder.path + "/a.pub")
        (other, otherLine) = try Self.load(folder.path + "/b.pub")
    }

    static func load(_ path: String) throws -> (HostKey, String) {
        let fields = try String(contentsOfFile: path, encoding: .utf8).split(separator: " ")
        return (HostKey(type: String(fields[0]), base64: String(fields[1]))!, "\(fields[0]) \(fields[1])")
    }

    func file(_ lines: [String]) throws -> KnownHosts {
        let path = folder.path + "/known_hosts"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return KnownHosts(files: [path])
    }

    @Test func fingerprintIsWhatSSHKeygenPrints() throws {
        #expect(key.fingerprint == (try Shell.fingerprint(folder.path + "/a.pub")))
        #expect(other.fingerprint == (try Shell.fingerprint(folder.path + "/b.pub")))
        #expect(key.type == "ssh-ed25519" && other.type == "ecdsa-sha2-nistp256")
    }

    @Test func plainEntriesMatchByNameAndPort() throws {
        let hosts = try file(["# comment", "", "web1.example.net,10.0.0.5 \(keyLine)", "[db1]:2222 \(otherLine)"])
        #expect(hosts.verdict(for: key, host: "web1.example.net", port: 22) == .trusted(hosts.entries[0]))
        #expect(hosts.verdict(for: key, host: "10.0.0.5", port: 22) == .trusted(hosts.entries[0]))
        // A non-22 port is only ever looked up as [host]:port.
        #expect(hosts.verdict(for: key, host: "web1.example.net", port: 2222) == .unknown)
        #expect(hosts.verdict(for: other, host: "db1", port: 2222) == .trusted(hosts.entries[1]))
        #expect(hosts.verdict(for: other, host: "db1", port: 22) == .unknown)
        #expect(hosts.entries[1].location.hasSuffix("known_hosts:4"))
    }

    @Test func hashedEntriesFromSSHKeygenMatch() throws {
        let path = folder.path + "/hashed"
        try "[10.1.2.3]:2200 \(keyLine)\nmail.example.org \(otherLine)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let hashed = try Shell.run("/usr/bin/ssh-keygen", ["-H", "-f", path])
        #expect(hashed.status == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("|1|") && !text.contains("mail.example.org"))
        let hosts = KnownHosts(files: [path])
        #expect(hosts.entries.count == 2)
        #expect(hosts.verdict(for: key, host: "10.1.2.3", port: 2200) == .trusted(hosts.entries[0]))
        #expect(hosts.verdict(for: other, host: "mail.example.org", port: 22) == .trusted(hosts.entries[1]))
        #expect(hosts.verdict(for: other, host: "mail.example.com", port: 22) == .unknown)
    }

    @Test func patternsAndNegation() throws {
        let hosts = try file(["*.lan,!printer.lan \(keyLine)", "app?.prod \(otherLine)"])
        #expect(hosts.verdict(for: key, host: "nas.lan", port: 22) == .trusted(hosts.entries[0]))
        #expect(hosts.verdict(for: key, host: "printer.lan", port: 22) == .unknown)
        #expect(hosts.verdict(for: other, host: "app1.prod", port: 22) == .trusted(hosts.entries[1]))
        #expect(hosts.verdict(for: other, host: "app10.prod", port: 22) == .unknown)
        #expect(hosts.verdict(for: key, host: "NAS.LAN", port: 22) == .trusted(hosts.entries[0]))
    }

    @Test func aDifferentKeyForAKnownHostIsAChange() throws {
        let hosts = try file(["web1 \(otherLine)"])
        #expect(hosts.verdict(for: key, host: "web1", port: 22) == .changed(expected: [hosts.entries[0]]))
    }

    @Test func revokedKeysAreRefusedEvenWhenAlsoListed() throws {
        let hosts = try file(["web1 \(keyLine)", "@revoked * \(keyLine)", "@cert-authority *.lan \(otherLine)"])
        #expect(hosts.entries.count == 2)  // the CA line is skipped
        #expect(hosts.verdict(for: key, host: "web1", port: 22) == .revoked(hosts.entries[1]))
    }

    @Test func malformedLinesAreSkipped() throws {
        let hosts = try file([
            "web1 ssh-ed25519 not-base64!", "web2", "web3 ssh-rsa \(keyLine.split(separator: " ")[1])", "web4 \(keyLine)",
        ])
        #expect(hosts.entries.count == 1)
        #expect(hosts.entries[0].line == 4)
    }

    @Test func knownKeyTypesListTheHostsTypes() throws {
        let hosts = try file(["[h]:2200 \(otherLine)", "[h]:2200 \(keyLine)", "other \(keyLine)"])
        #expect(hosts.knownKeyTypes(host: "h", port: 2200) == ["ecdsa-sha2-nistp256", "ssh-ed25519"])
        #expect(hosts.knownKeyTypes(host: "h", port: 22) == [])
    }

    @Test func appendWritesALineSSHKeygenFinds() throws {
        let path = folder.path + "/sub/known_hosts"
        try KnownHosts.append(key: key, host: "127.0.0.1", port: 2022, to: path)
        let found = try Shell.run("/usr/bin/ssh-keygen", ["-F", "[127.0.0.1]:2022", "-f", path])
        #expect(found.status == 0)
        #expect(found.stdout.contains(String(keyLine.split(separator: " ")[1])))
        // A file without a final newline still gets one line per entry.
        try "web1 \(otherLine)".write(toFile: path, atomically: true, encoding: .utf8)
        try KnownHosts.append(key: key, host: "web2", port: 22, to: path)
        #expect(KnownHosts(files: [path]).entries.count == 2)
    }
}
