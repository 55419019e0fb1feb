import TriageChecks
import TriageYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `triage-agent collect` reads from its YAML file.
///
/// ```yaml
/// coordinator: https://triage.example.net
/// token_file: /etc/triage-agent/collector-token  # a collector token (triage token create --role collector --site 3)
/// plugins: [/usr/share/triage/plugins]          # plugin folders (default: beside the binary)
/// checks: [disk, network, services]             # what the health schedule runs (default: every plugin)
/// concurrency: 16                               # hosts over SSH at once
/// wait: 25                                      # seconds each long poll for jobs waits
/// timeout: 10                                   # seconds for each request to the coordinator
/// ca_file: /etc/triage-agent/ca.pem             # an https coordinator's authority, if not in the system's store
/// ssh:
///   identity: [/etc/triage-agent/id_ed25519]    # keys (else ssh-agent through SSH_AUTH_SOCK, else ssh_config's)
///   known_hosts: /etc/triage-agent/known_hosts  # host keys are always checked strictly
///   config: /etc/triage-agent/ssh_config        # ProxyJump, User, Port, IdentityFile … (default ~/.ssh/config)
///   timeout: 10                                 # seconds per phase: connect, handshake + auth, the checks
/// health:                                       # agentless health of the hosts without a push agent
///   every: 300                                  # seconds; 0 runs no schedule (jobs only)
///   sites: {"3": 60}                            # per site id
///   hosts: {db1: 120}                           # per host name (wins over its site)
///   refresh: 60                                 # seconds between readings of the hosts (new hosts, agents)
/// ```
public struct CollectorConfiguration: Sendable, Equatable {
    public var coordinator = ""
    public var token = ""
    public var pluginDirectories: [String] = []
    public var checks: [String] = []
    public var concurrency = 16
    public var wait = 25
    public var timeout = 10.0
    public var caFile: String?
    public var identityFiles: [String] = []
    public var knownHosts: String?
    public var sshConfig: String?
    public var sshTimeout = 10.0
    /// Seconds between agentless reports of a host; 0: no schedule.
    public var every = 300
    public var siteEvery: [Int: Int] = [:]
    public var hostEvery: [String: Int] = [:]
    /// Seconds between readings of the scope's hosts.
    public var refresh = 60

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        token = AgentConfiguration.environmentToken(environment)
    }

    /// How often a host is checked on the schedule; 0 for never.
    public func interval(host: String, site: Int) -> Int { hostEvery[host] ?? siteEvery[site] ?? every }

    static let keys: Set<String> = [
        "coordinator", "token", "token_file", "plugins", "checks", "concurrency", "wait", "timeout",
        "ca_file", "ssh", "health",
    ]

    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DiagnosisError) -> CollectorConfiguration
    {
        var problems = Problems(file: file)
        func fail() -> DiagnosisError { DiagnosisError(problems.list.map(\.description).joined(separator: "\n")) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw DiagnosisError("\(file): cannot read it") }
        guard
            let top = problems.mapping(
                of: text, expected: "the collector configuration is a YAML mapping (coordinator, token_file, ssh, health, …)")
        else { throw fail() }
        problems.rejectUnknownKeys(top, allowed: keys)
        var config = CollectorConfiguration(environment: environment)
        config.coordinator = problems.requiredString(top, "coordinator") ?? ""
        config.token = AgentConfiguration.token(top, default: config.token, &problems)
        config.pluginDirectories = AgentConfiguration.strings(top["plugins"], "plugins", &problems)
        config.checks = AgentConfiguration.strings(top["checks"], "checks", &problems)
        config.concurrency = AgentConfiguration.wholeNumber(top["concurrency"], "concurrency", 1...1024, &problems) ?? 16
        config.wait = AgentConfiguration.wholeNumber(top["wait"], "wait", 1...60, &problems) ?? 25
        config.timeout = seconds(top["timeout"], "timeout", &problems) ?? 10
        config.caFile = AgentConfiguration.caFile(top, &problems)
        if let ssh = top["ssh"] {
            if let fields = ssh.mapping {
                problems.rejectUnknownKeys(fields, allowed: ["identity", "known_hosts", "config", "timeout"])
                config.identityFiles = AgentConfiguration.strings(fields["identity"], "identity", &problems)
                config.knownHosts = problems.optionalString(fields, "known_hosts")
                config.sshConfig = problems.optionalString(fields, "config")
                config.sshTimeout = seconds(fields["timeout"], "ssh.timeout", &problems) ?? 10
            } else {
                problems.add(ssh, "ssh is a mapping: identity, known_hosts, config, timeout")
            }
        }
        if let health = top["health"] {
            if let fields = health.mapping {
                problems.rejectUnknownKeys(fields, allowed: ["every", "sites", "hosts", "refresh"])
                config.refresh = AgentConfiguration.wholeNumber(fields["refresh"], "refresh", 1...3_600, &problems) ?? 60
                config.every = AgentConfiguration.wholeNumber(fields["every"], "every", 0...86_400, &problems) ?? 300
                for (key, value) in problems.stringMap(fields["sites"], "sites") {
                    guard let site = Int(key), let seconds = Int(value), (1...86_400).contains(seconds) else {
                        problems.add(fields["sites"], "sites maps a site id to seconds 1–86400 (\(key): \(value))")
                        continue
                    }
                    config.siteEvery[site] = seconds
                }
                for (host, value) in problems.stringMap(fields["hosts"], "hosts") {
                    guard let seconds = Int(value), (1...86_400).contains(seconds) else {
                        problems.add(fields["hosts"], "hosts maps a host name to seconds 1–86400 (\(host): \(value))")
                        continue
                    }
                    config.hostEvery[host] = seconds
                }
            } else {
                problems.add(health, "health is a mapping: every, sites, hosts, refresh")
            }
        }
        guard problems.list.isEmpty else { throw fail() }
        return config
    }

    private static func seconds(_ node: YAMLNode?, _ key: String, _ problems: inout Problems) -> Double? {
        guard let node else { return nil }
        guard let value = node.float, value > 0, value <= 600 else {
            problems.add(node, "\(key) must be 0–600 seconds")
            return nil
        }
        return value
    }
}
