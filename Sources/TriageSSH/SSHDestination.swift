#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Everything needed to reach one host, resolved from what the user typed, the ssh config
/// and command-line overrides — the same precedence as OpenSSH: command line, then the
/// first value the config gives, then defaults.
public struct SSHDestination: Sendable, Equatable {
    /// The host as the user named it (an alias or an address).
    public var alias: String
    public var hostName: String
    public var port: Int
    public var user: String
    /// Private key files, tried in order after the agent's keys.
    public var identityFiles: [String]
    /// Whether keys held by ssh-agent are offered (false with `IdentitiesOnly yes`).
    public var useAgent: Bool
    public var hostKeyPolicy: HostKeyPolicy
    public var connectTimeout: Duration?
    /// The bastion to tunnel through (`ProxyJump`); at most one hop.
    public var jumpHosts: [SSHDestination]

    public init(
        alias: String, hostName: String, port: Int = 22, user: String, identityFiles: [String],
        useAgent: Bool = true, hostKeyPolicy: HostKeyPolicy, connectTimeout: Duration? = nil,
        jumpHosts: [SSHDestination] = []
    ) {
        self.alias = alias
        self.hostName = hostName
        self.port = port
        self.user = user
        self.identityFiles = identityFiles
        self.useAgent = useAgent
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
        self.jumpHosts = jumpHosts
    }

    /// "web1 (10.0.0.5:22)" when the alias differs from the address, else "10.0.0.5:2222".
    public var label: String {
        let address = hostName.contains(":") ? "[\(hostName)]:\(port)" : "\(hostName):\(port)"
        return alias == hostName ? address : "\(alias) (\(address))"
    }
}

/// What the command line adds to the ssh config when resolving a destination.
public struct SSHResolveOptions: Sendable {
    public var config: SSHConfig
    /// `--identity` files: tried before the config's, and they must exist.
    public var identityFiles: [String]
    /// `--known-hosts`: replaces the config's and the default files.
    public var knownHostsFile: String?
    /// `--accept-new`: trust-on-first-use for unknown hosts.
    public var acceptNew: Bool
    /// `--timeout`: replaces the config's ConnectTimeout.
    public var connectTimeout: Duration?

    public init(
        config: SSHConfig = .empty, identityFiles: [String] = [], knownHostsFile: String? = nil,
        acceptNew: Bool = false, connectTimeout: Duration? = nil
    ) {
        self.config = config
        self.identityFiles = identityFiles
        self.knownHostsFile = knownHostsFile
        self.acceptNew = acceptNew
        self.connectTimeout = connectTimeout
    }
}

extension SSHDestination {
    /// Resolves `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://user@host:port`.
    public static func resolve(_ target: String, options: SSHResolveOptions) throws(SSHError) -> SSHDestination {
        try resolve(target, options: options, allowJump: true)
    }

    private static func resolve(_ target: String, options: SSHResolveOptions, allowJump: Bool) throws(SSHError) -> SSHDestination {
        let parsed = try SSHTarget(parsing: target)
        let settings = options.config.settings(for: parsed.host)
        func invalid(_ keyword: String, _ message: String) -> SSHError {
            let location = settings.locations[keyword].map { "\($0): " } ?? ""
            return SSHError(host: parsed.host, phase: .config, code: .invalidArgument, location + message)
        }

        let hostName = settings.hostName.map { PathExpansion.tokens($0, values: ["h": parsed.host]) } ?? parsed.host
        var port = 22
        if let explicit = parsed.port {
            port = explicit
        } else if let text = settings.port {
            guard let value = Int(text), (1...65535).contains(value) else { throw invalid("port", "Port '\(text)' is not a port number") }
            port = value
        }
        let user = parsed.user ?? settings.user ?? PathExpansion.localUser
        let tokens: [Character: String] = [
            "d": PathExpansion.home, "h": hostName, "n": parsed.host,
            "p": String(port), "r": user, "u": PathExpansion.localUser,
        ]
        let expand = { (path: String) in PathExpansion.tilde(PathExpansion.tokens(path, values: tokens)) }

        for file in options.identityFiles where !FileManager.default.fileExists(atPath: expand(file)) {
            throw SSHError(host: parsed.host, phase: .config, code: .keyUnreadable, "identity file \(file) does not exist")
        }
        var identities = (options.identityFiles + settings.identityFiles).map(expand)
        if identities.isEmpty {
            identities = ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"].map(expand)
        }

        var mode = HostKeyPolicy.Mode.strict
        if options.acceptNew {
            mode = .acceptNew
        } else if let value = settings.strictHostKeyChecking?.lowercased() {
            switch value {
            case "yes", "ask": mode = .strict  // nobody is there to ask: refuse unknown keys
            case "accept-new", "no", "off": mode = .acceptNew  // a changed key is refused even with "no"
            default: throw invalid("stricthostkeychecking", "StrictHostKeyChecking '\(value)' is not yes, ask, accept-new or no")
            }
        }
        let knownHosts: [String]
        if let file = options.knownHostsFile {
            knownHosts = [expand(file)]
        } else {
            knownHosts =
                (settings.userKnownHostsFiles ?? ["~/.ssh/known_hosts", "~/.ssh/known_hosts2"]).map(expand)
                + ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"]
        }

        var connectTimeout = options.connectTimeout
        if connectTimeout == nil, let text = settings.connectTimeout {
            guard let seconds = Int(text), seconds > 0 else {
                throw invalid("connecttimeout", "ConnectTimeout '\(text)' is not a number of seconds")
            }
            connectTimeout = .seconds(seconds)
        }

        var jumps: [SSHDestination] = []
        if let jump = settings.proxyJump, jump.lowercased() != "none" {
            guard allowJump, !jump.contains(",") else {
                throw invalid("proxyjump", "ProxyJump '\(jump)' has more than one hop; only one jump host is supported")
            }
            jumps = [try resolve(jump, options: options, allowJump: false)]
        }

        return SSHDestination(
            alias: parsed.host, hostName: hostName, port: port, user: user, identityFiles: identities,
            useAgent: settings.identitiesOnly?.lowercased() != "yes",
            hostKeyPolicy: HostKeyPolicy(mode: mode, knownHostsFiles: knownHosts),
            connectTimeout: connectTimeout, jumpHosts: jumps)
    }
}

/// `[user@]host[:port]` as typed on a command line or in `ProxyJump`.
struct SSHTarget: Equatable {
    var user: String?
    var host: String
    var port: Int?
}

extension SSHTarget {
    init(parsing text: String) throws(SSHError) {
        var user: String?
        var host: String
        var port: Int?
        var portText: Substring?
        var rest = Substring(text)
        if rest.hasPrefix("ssh://") { rest = rest.dropFirst(6) }
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { host = "" }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        guard !host.isEmpty, user.map({ !$0.isEmpty }) ?? true else {
            throw SSHError(host: text, phase: .config, code: .invalidArgument, "'\(text)' is not [user@]host[:port]")
        }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw SSHError(host: text, phase: .config, code: .invalidArgument, "'\(portText)' in '\(text)' is not a port number")
            }
            port = value
        }
        self.init(user: user, host: host, port: port)
    }
}
