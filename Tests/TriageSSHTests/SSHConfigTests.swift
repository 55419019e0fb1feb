import Foundation
import TestSupport
import Testing

@testable import TriageSSH

@Suite struct SSHConfigTests {
    /// A technician's config as they write them: bastion, wildcards, negation, defaults last.
    static let realistic = """
        # Customer ACME, reached through their bastion
        Host acme-bastion
            HostName bastion.acme.example
            User ops
            Port 2200
            IdentityFile ~/.ssh/id_acme

        Host acme-web? !acme-web9
            HostName %h.int.acme.example
            ProxyJump acme-bastion
            User deploy

        Host *.lan
          User=pi
          IdentityFile "~/.ssh/keys/lan key"
          StrictHostKeyChecking = yes

        host acme-web9
            hostname 10.9.9.9   # legacy box, no bastion
            PORT 2222

        Host *
            User fallback
            IdentityFile ~/.ssh/id_%r@%h
            ConnectTimeout 7
            StrictHostKeyChecking accept-new
            UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/known_hosts.acme
        """

    let home = PathExpansion.home

    @Test func firstObtainedValueWinsAndIdentityFilesAccumulate() throws {
        let config = try SSHConfig(text: Self.realistic)
        let web1 = try SSHDestination.resolve("acme-web1", options: SSHResolveOptions(config: config))
        #expect(web1.hostName == "acme-web1.int.acme.example")
        #expect(web1.user == "deploy")
        #expect(web1.port == 22)
        #expect(web1.identityFiles == ["\(home)/.ssh/id_deploy@acme-web1.int.acme.example"])
        #expect(web1.connectTimeout == .seconds(7))
        #expect(web1.hostKeyPolicy.mode == .acceptNew)
        #expect(web1.hostKeyPolicy.knownHostsFiles.prefix(2) == ["\(home)/.ssh/known_hosts", "\(home)/.ssh/known_hosts.acme"])

        let jump = try #require(web1.jumpHosts.first)
        #expect(jump.hostName == "bastion.acme.example")
        #expect(jump.user == "ops" && jump.port == 2200)
        #expect(jump.identityFiles == ["\(home)/.ssh/id_acme", "\(home)/.ssh/id_ops@bastion.acme.example"])
    }

    @Test func negatedPatternExcludesAHost() throws {
        let config = try SSHConfig(text: Self.realistic)
        let web9 = try SSHDestination.resolve("acme-web9", options: SSHResolveOptions(config: config))
        #expect(web9.jumpHosts.isEmpty)
        #expect(web9.hostName == "10.9.9.9")  // keywords are case-insensitive
        #expect(web9.port == 2222)
        #expect(web9.user == "fallback")
        // "acme-web10" has two characters after "web": "?" does not match it.
        let web10 = try SSHDestination.resolve("acme-web10", options: SSHResolveOptions(config: config))
        #expect(web10.jumpHosts.isEmpty && web10.hostName == "acme-web10")
    }

    @Test func quotedValuesAndEqualsSigns() throws {
        let config = try SSHConfig(text: Self.realistic)
        let nas = try SSHDestination.resolve("nas.lan", options: SSHResolveOptions(config: config))
        #expect(nas.user == "pi")
        #expect(nas.identityFiles.first == "\(home)/.ssh/keys/lan key")
        #expect(nas.hostKeyPolicy.mode == .strict)
    }

    @Test func commandLineOverridesTheConfig() throws {
        let config = try SSHConfig(text: Self.realistic)
        let options = SSHResolveOptions(config: config, knownHostsFile: "/tmp/kh", acceptNew: false, connectTimeout: .seconds(2))
        let target = try SSHDestination.resolve("root@acme-web1:2022", options: options)
        #expect(target.user == "root" && target.port == 2022)
        #expect(target.hostKeyPolicy.knownHostsFiles == ["/tmp/kh"])
        #expect(target.connectTimeout == .seconds(2))
        #expect(target.hostKeyPolicy.mode == .acceptNew)  // from the config: --accept-new only adds, never removes
    }

    @Test func includeWithGlobAppliesOnlyInsideAMatchingBlock() throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/conf.d", withIntermediateDirectories: true)
        try "Host db*\n  User postgres\n  Port 5022\n".write(toFile: folder.path + "/conf.d/10-db.conf", atomically: true, encoding: .utf8)
        try "Host *\n  User from-included-default\n".write(toFile: folder.path + "/conf.d/20-all.conf", atomically: true, encoding: .utf8)
        try "Host never\n  Include conf.d/*.conf\nHost *\n  Port 2000\n".write(
            toFile: folder.path + "/inactive.conf", atomically: true, encoding: .utf8)
        let main = "Include conf.d/*.conf\nHost *\n  User main-default\n"
        try main.write(toFile: folder.path + "/config", atomically: true, encoding: .utf8)

        let config = try SSHConfig(contentsOf: folder.path + "/config")
        let db = try SSHDestination.resolve("db1", options: SSHResolveOptions(config: config))
        #expect(db.user == "postgres" && db.port == 5022)
        let other = try SSHDestination.resolve("app", options: SSHResolveOptions(config: config))
        #expect(other.user == "from-included-default")

        let inactive = try SSHConfig(contentsOf: folder.path + "/inactive.conf")
        let viaInactive = try SSHDestination.resolve("db1", options: SSHResolveOptions(config: inactive))
        #expect(viaInactive.port == 2000)  // the include sat in a block that did not match "db1"
    }

    @Test func devNullIsAnEmptyConfigAndAFolderIsAnError() throws {
        // `-F /dev/null` is how scripts say "no ssh config"; it is a character device, not a file.
        let empty = try SSHConfig(contentsOf: "/dev/null")
        #expect(try SSHDestination.resolve("db1", options: SSHResolveOptions(config: empty)).port == 22)
        #expect(throws: SSHError.self) { try SSHConfig(contentsOf: "/tmp") }  // a folder is not a config
    }

    @Test func matchAllAppliesAndOtherMatchBlocksDoNot() throws {
        let config = try SSHConfig(text: "Match exec \"true\"\n  User never\nMatch all\n  User everyone\n")
        #expect(config.settings(for: "x").user == "everyone")
    }

    @Test func badValuesNameTheLine() throws {
        let config = try SSHConfig(text: "Host web\n  Port eighty\n", name: "cfg")
        let error = #expect(throws: SSHError.self) { try SSHDestination.resolve("web", options: SSHResolveOptions(config: config)) }
        #expect(error?.phase == .config)
        #expect(error?.message.contains("cfg line 2") == true)
        #expect(error?.message.contains("eighty") == true)

        let twoHops = try SSHConfig(text: "Host t\n  ProxyJump a,b\n")
        let hopError = #expect(throws: SSHError.self) { try SSHDestination.resolve("t", options: SSHResolveOptions(config: twoHops)) }
        #expect(hopError?.message.contains("only one jump host") == true)

        #expect(throws: SSHError.self) { try SSHConfig(text: "Host \"unterminated\n") }
    }

    @Test func targetsParseLikeSSH() throws {
        #expect(try SSHTarget(parsing: "web1") == SSHTarget(user: nil, host: "web1", port: nil))
        #expect(try SSHTarget(parsing: "root@10.0.0.5:2222") == SSHTarget(user: "root", host: "10.0.0.5", port: 2222))
        #expect(try SSHTarget(parsing: "ops@[::1]:22") == SSHTarget(user: "ops", host: "::1", port: 22))
        #expect(try SSHTarget(parsing: "fe80::1") == SSHTarget(user: nil, host: "fe80::1", port: nil))
        #expect(try SSHTarget(parsing: "ssh://a@b:2") == SSHTarget(user: "a", host: "b", port: 2))
        #expect(throws: SSHError.self) { try SSHTarget(parsing: "web1:http") }
        #expect(throws: SSHError.self) { try SSHTarget(parsing: "web1:70000") }
        #expect(throws: SSHError.self) { try SSHTarget(parsing: "@web1") }
    }
}

/// `Host` patterns against the name as typed, compared with what OpenSSH's own `ssh -G` says.
@Suite struct SSHConfigCaseTests {
    static let configurations = [
        "Host TWO\n  HostName upper.example\n  User U\nHost two\n  HostName lower.example\n  User l\nHost *\n  HostName any.example\n  User any\n",
        "Host *O\n  HostName star-upper.example\nHost *\n  HostName any.example\n",
        "Host Web? !WEB9\n  HostName web.example\n  User w\nHost *\n  HostName any.example\n  User any\n",
        "Host two\n  User l\nHost TwO\n  User mixed\nHost *\n  HostName any.example\n",
    ]
    static let names = ["TWO", "two", "Two", "TwO", "Web1", "web1", "WEB9", "Web9", "wO", "WO"]

    @Test func hostPatternsMatchAsOpenSSHDoes() throws {
        let folder = try TempFolder()
        for (index, text) in Self.configurations.enumerated() {
            let path = folder.path + "/config\(index)"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let config = try SSHConfig(text: text)
            for name in Self.names {
                let openssh = try Shell.run("/usr/bin/ssh", ["-G", "-F", path, name])
                #expect(openssh.status == 0, "\(openssh.stderr)")
                let fields = Dictionary(
                    openssh.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                        return parts.count == 2 ? (parts[0], parts[1]) : nil
                    }, uniquingKeysWith: { first, _ in first })
                let ours = try SSHDestination.resolve(name, options: SSHResolveOptions(config: config))
                #expect(ours.hostName == fields["hostname"], "config \(index), \(name)")
                if text.contains("User") { #expect(ours.user == fields["user"], "config \(index), \(name)") }
            }
        }
    }
}
