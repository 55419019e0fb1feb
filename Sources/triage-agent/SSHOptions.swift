import ArgumentParser
import TriageAgent
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The SSH options `exec` and `diagnose` share.
struct SSHOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: "Private key file (ed25519 or ECDSA); repeatable, tried before the config's.")
    var identity: [String] = []

    @Option(name: .long, help: "known_hosts file to check and record host keys in (default: ~/.ssh/known_hosts).")
    var knownHosts: String?

    @Flag(name: .long, help: "Trust an unknown host's key on first use and record it (a changed key is still refused).")
    var acceptNew = false

    @Option(name: .long, help: "Seconds allowed for each phase: connect, handshake + auth, and the command.")
    var timeout: Double?

    @Option(name: [.customShort("F"), .long], help: "ssh config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config.")
    var sshConfig: String?

    func validate() throws {
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func resolveOptions() throws(SSHError) -> SSHResolveOptions {
        let config: SSHConfig
        if let sshConfig { config = try SSHConfig(contentsOf: sshConfig) } else { config = try SSHConfig.standard() }
        return SSHResolveOptions(
            config: config, identityFiles: identity, knownHostsFile: knownHosts, acceptNew: acceptNew,
            connectTimeout: timeout.map { .seconds(fractional: $0) })
    }

    var timeouts: SSHTimeouts { timeout.map { .all(.seconds(fractional: $0)) } ?? SSHTimeouts() }
}
