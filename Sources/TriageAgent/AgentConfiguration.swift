import TriageChecks
import TriageYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// What `triage-agent run` reads from its YAML file.
///
/// ```yaml
/// coordinator: https://triage.example.net
/// token_file: /etc/triage-agent/token     # or token: …; else the systemd credential `token`
///                                         # ($CREDENTIALS_DIRECTORY/token), else TRIAGE_TOKEN
/// host: web1                              # as registered at the coordinator (default: this machine's name)
/// interval: 60                            # seconds between reports
/// jitter: 6                               # each report starts up to this many seconds late (default interval/10)
/// checks: [disk, network, services]       # default: every plugin
/// params: { disk.space_crit: "95%" }
/// vendor_managed: { nginx.service: "Acme Web Support" }
/// plugins: [/usr/share/triage/plugins]    # plugin folders (default: beside the binary)
/// spool: { path: /var/lib/triage-agent/spool, max_reports: 1000, max_bytes: 10MiB, max_rejected: 100 }
/// retry_max: 300                          # longest wait between delivery attempts, seconds
/// timeout: 10                             # seconds for each request to the coordinator
/// ca_file: /etc/triage-agent/ca.pem       # an https coordinator's authority, if not in the system's store
/// jobs: true                              # take "Diagnose now" jobs for this host (a long poll)
/// ```
public struct AgentConfiguration: Sendable, Equatable {
    public var coordinator = ""
    public var token = ""
    public var host = ProcessInfo.processInfo.hostName
    public var interval = 60
    public var jitter = 6
    public var checks: [String] = []
    public var params: [String: String] = [:]
    public var vendorManaged: [String: String] = [:]
    public var pluginDirectories: [String] = []
    public var spoolPath: String
    public var spoolLimits = Spool.Limits()
    public var retryMax = 300
    public var timeout = 10.0
    /// PEM certificate authorities to trust for an https coordinator instead of the system's store.
    public var caFile: String?
    public var jobs = true

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        // systemd's StateDirectory= says where state goes.
        spoolPath = (environment["STATE_DIRECTORY"].map { $0 + "/spool" }) ?? "/var/lib/triage-agent/spool"
        token = Self.environmentToken(environment)
    }

    /// The token systemd hands over as the credential `token`, else TRIAGE_TOKEN, else "".
    static func environmentToken(_ environment: [String: String]) -> String {
        // The shipped unit runs as a DynamicUser that cannot read root's /etc/triage-agent/token:
        // systemd reads it for the service and hands it over as the credential `token` (LoadCredential=).
        if let credentials = environment["CREDENTIALS_DIRECTORY"],
            let secret = try? String(contentsOfFile: credentials + "/token", encoding: .utf8)
        {
            return secret.trimmed
        }
        return environment["TRIAGE_TOKEN"] ?? ""
    }

    static let keys: Set<String> = [
        "coordinator", "token", "token_file", "host", "interval", "jitter", "checks", "params",
        "vendor_managed", "plugins", "spool", "retry_max", "timeout", "ca_file", "jobs",
    ]

    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DiagnosisError) -> AgentConfiguration
    {
        var problems = Problems(file: file)
        func fail() -> DiagnosisError { DiagnosisError(problems.list.map(\.description).joined(separator: "\n")) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw DiagnosisError("\(file): cannot read it") }
        guard
            let top = problems.mapping(
                of: text, expected: "the agent configuration is a YAML mapping (coordinator, token_file, interval, …)")
        else { throw fail() }
        problems.rejectUnknownKeys(top, allowed: keys)
        var config = AgentConfiguration(environment: environment)
        config.coordinator = problems.requiredString(top, "coordinator") ?? ""
        config.token = token(top, default: config.token, &problems)
        if let host = problems.optionalString(top, "host") { config.host = host }
        config.interval = wholeNumber(top["interval"], "interval", 1...86_400, &problems) ?? 60
        config.jitter = wholeNumber(top["jitter"], "jitter", 0...86_400, &problems) ?? config.interval / 10
        if config.jitter >= config.interval && config.interval > 1 {
            problems.add(top["jitter"], "jitter (\(config.jitter) s) must be shorter than the interval (\(config.interval) s)")
        }
        config.checks = strings(top["checks"], "checks", &problems)
        config.params = problems.stringMap(top["params"], "params")
        config.vendorManaged = problems.stringMap(top["vendor_managed"], "vendor_managed")
        config.pluginDirectories = strings(top["plugins"], "plugins", &problems)
        if let spool = top["spool"] {
            if let fields = spool.mapping {
                problems.rejectUnknownKeys(fields, allowed: ["path", "max_reports", "max_bytes", "max_rejected"])
                if let path = problems.optionalString(fields, "path") { config.spoolPath = path }
                config.spoolLimits.maxReports = wholeNumber(fields["max_reports"], "max_reports", 1...1_000_000, &problems) ?? 1000
                config.spoolLimits.maxBytes = bytes(fields["max_bytes"], &problems) ?? 10 << 20
                config.spoolLimits.maxRejected = wholeNumber(fields["max_rejected"], "max_rejected", 0...1_000_000, &problems) ?? 100
            } else {
                problems.add(spool, "spool is a mapping: path, max_reports, max_bytes, max_rejected")
            }
        }
        config.retryMax = wholeNumber(top["retry_max"], "retry_max", 1...86_400, &problems) ?? 300
        if let node = top["timeout"] {
            if let value = node.float, value > 0, value <= 600 {
                config.timeout = value
            } else {
                problems.add(node, "timeout must be 0–600 seconds")
            }
        }
        config.caFile = caFile(top, &problems)
        if let node = top["jobs"] {
            if let value = node.bool { config.jobs = value } else { problems.add(node, "jobs is true or false") }
        }
        guard problems.list.isEmpty else { throw fail() }
        return config
    }

    /// `token`, else the contents of `token_file`, else `fallback` (the credential or TRIAGE_TOKEN);
    /// none at all is a problem.
    static func token(_ top: YAMLNode.Mapping, default fallback: String, _ problems: inout Problems) -> String {
        var token = fallback
        if let value = problems.optionalString(top, "token") { token = value }
        if let path = problems.optionalString(top, "token_file") {
            if let secret = try? String(contentsOfFile: path, encoding: .utf8) {
                token = secret.trimmed
            } else {
                let reason = access(path, R_OK) == 0 ? "" : ": " + String(cString: strerror(errno))
                problems.add(
                    top["token_file"],
                    "cannot read the token file \(path)\(reason) (under the shipped unit leave "
                        + "token_file out: the unit passes /etc/triage-agent/token as the credential token)")
            }
        }
        if token.isEmpty && problems.list.isEmpty {
            problems.add(nil, "no token: give token_file (or token), run under the unit (LoadCredential=token:…), or set TRIAGE_TOKEN")
        }
        return token
    }

    /// `ca_file`, which must be readable now: an https coordinator is refused later otherwise.
    static func caFile(_ top: YAMLNode.Mapping, _ problems: inout Problems) -> String? {
        guard let path = problems.optionalString(top, "ca_file") else { return nil }
        if access(path, R_OK) != 0 {
            problems.add(top["ca_file"], "cannot read the CA file \(path): " + String(cString: strerror(errno)))
        }
        return path
    }

    static func wholeNumber(_ node: YAMLNode?, _ key: String, _ range: ClosedRange<Int>, _ problems: inout Problems) -> Int? {
        guard let node else { return nil }
        guard let value = node.int, range.contains(value) else {
            problems.add(node, "\(key) must be a whole number \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A byte count: a number, or one with KiB, MiB or GiB.
    private static func bytes(_ node: YAMLNode?, _ problems: inout Problems) -> Int? {
        guard let node else { return nil }
        let text = node.scalar?.string.trimmingBlanks ?? ""
        let units = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("", 1)]
        let (suffix, scale) = units.first { text.hasSuffix($0.0) }!  // "" ends every text
        if let number = Int(text.dropLast(suffix.count).trimmingBlanks), number > 0, number <= (1 << 40) / scale {
            return number * scale
        }
        problems.add(node, "max_bytes must be a size such as 10485760, 512KiB or 10MiB")
        return nil
    }

    static func strings(_ node: YAMLNode?, _ key: String, _ problems: inout Problems) -> [String] {
        guard let node else { return [] }
        guard let list = node.sequence?.compactMap({ $0.scalar?.string }), list.count == node.sequence?.count else {
            problems.add(node, "\(key) is a list of names")
            return []
        }
        return list
    }
}
