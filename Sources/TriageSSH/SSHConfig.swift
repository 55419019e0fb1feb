#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An OpenSSH client configuration file (`~/.ssh/config`), read the way `ssh` reads it:
/// `Host` blocks with patterns and `!` negation, `Match all`, `Include` with globs,
/// `Keyword value` or `Keyword=value`, quoted arguments, and the first obtained value of
/// each keyword winning (IdentityFile accumulates). Keywords Triage does not use are ignored.
public struct SSHConfig: Sendable {
    enum Line: Sendable {
        case host(patterns: [String])
        /// `Match` criteria: only `all` can be evaluated without running anything, so other
        /// Match blocks never apply (a `Match exec` must not run commands behind the user's back).
        case match(all: Bool)
        case setting(keyword: String, arguments: [String], location: String)
        case include([Line])
    }

    let lines: [Line]

    /// No configuration at all.
    public static let empty = SSHConfig(lines: [])

    init(lines: [Line]) { self.lines = lines }

    /// Reads a config file; a missing file is an empty configuration. Relative `Include`
    /// paths are taken from `includeBase` (`~/.ssh` for a user's file, as OpenSSH does).
    public init(contentsOf path: String, includeBase: String? = nil) throws(SSHError) {
        guard FileManager.default.fileExists(atPath: path) else {
            self.init(lines: [])
            return
        }
        let base = includeBase ?? POSIX.folder(of: path)
        self.init(lines: try Self.read(path: path, includeBase: base, depth: 0))
    }

    /// Parses config text (tests, inline configuration).
    public init(text: String, name: String = "ssh config", includeBase: String = ".") throws(SSHError) {
        self.init(lines: try Self.parse(text, name: name, includeBase: includeBase, depth: 0))
    }

    /// The values this file gives for `host` (the name as typed: an alias or an address).
    public func settings(for host: String) -> SSHHostSettings {
        var settings = SSHHostSettings()
        var active = true
        Self.apply(lines, host: host, active: &active, neverMatch: false, to: &settings)
        return settings
    }

    private static func apply(_ lines: [Line], host: String, active: inout Bool, neverMatch: Bool, to settings: inout SSHHostSettings) {
        for line in lines {
            switch line {
            case .host(let patterns):
                active = !neverMatch && HostPattern.matchesList(patterns, host, caseSensitive: true)
            case .match(let all):
                active = !neverMatch && all
            case .setting(let keyword, let arguments, let location):
                if active { settings.obtain(keyword, arguments, location: location) }
            case .include(let nested):
                let outer = active
                Self.apply(nested, host: host, active: &active, neverMatch: neverMatch || !outer, to: &settings)
                active = outer
            }
        }
    }

    // MARK: - Parsing

    private static func read(path: String, includeBase: String, depth: Int) throws(SSHError) -> [Line] {
        // Read to the end, which also works for character devices such as `-F /dev/null`.
        guard let bytes = POSIX.read(path) else {
            throw SSHError(host: path, phase: .config, code: .invalidArgument, "cannot read \(path): \(errnoText())")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), name: path, includeBase: includeBase, depth: depth)
    }

    static func parse(_ text: String, name: String, includeBase: String, depth: Int) throws(SSHError) -> [Line] {
        guard depth <= 16 else {
            throw SSHError(host: name, phase: .config, code: .invalidArgument, "Include nested more than 16 deep (a loop?)")
        }
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let location = "\(name) line \(index + 1)"
            guard let (keyword, arguments) = try split(String(raw), location: location) else { continue }
            switch keyword {
            case "host":
                lines.append(.host(patterns: arguments))
            case "match":
                lines.append(.match(all: arguments.map { $0.lowercased() } == ["all"]))
            case "include":
                var nested: [Line] = []
                for pattern in arguments {
                    let expanded = PathExpansion.tilde(pattern)
                    let full = expanded.hasPrefix("/") ? expanded : includeBase + "/" + expanded
                    for file in PathExpansion.glob(full) {
                        nested += try read(path: file, includeBase: includeBase, depth: depth + 1)
                    }
                }
                lines.append(.include(nested))
            default:
                lines.append(.setting(keyword: keyword, arguments: arguments, location: location))
            }
        }
        return lines
    }

    /// Splits a line into its lower-cased keyword and arguments; nil for blanks and comments.
    /// The keyword ends at whitespace or `=` (`Port=22`, `Port = 22`, `Port 22`).
    static func split(_ line: String, location: String) throws(SSHError) -> (String, [String])? {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        let trimmed = line.drop(while: isBlank)
        guard let first = trimmed.first, first != "#" else { return nil }
        let keywordEnd = trimmed.firstIndex(where: { isBlank($0) || $0 == "=" }) ?? trimmed.endIndex
        var rest = trimmed[keywordEnd...].drop(while: isBlank)
        if rest.first == "=" { rest = rest.dropFirst() }

        var arguments: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        for character in rest {
            if quoted {
                if character == "\"" { quoted = false } else { current.append(character) }
            } else if character == "\"" {
                quoted = true
                inWord = true
            } else if isBlank(character) {
                if inWord {
                    arguments.append(current)
                    current = ""
                    inWord = false
                }
            } else if character == "#" && !inWord {
                break
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quoted {
            throw SSHError(host: location, phase: .config, code: .invalidArgument, "\(location): unterminated quote")
        }
        if inWord { arguments.append(current) }
        return (trimmed[..<keywordEnd].lowercased(), arguments)
    }
}

/// The values a config file gives one host, before defaults and tokens are applied.
public struct SSHHostSettings: Sendable, Equatable {
    public var hostName: String?
    public var user: String?
    public var port: String?
    public var identityFiles: [String] = []
    public var identitiesOnly: String?
    public var proxyJump: String?
    public var connectTimeout: String?
    public var strictHostKeyChecking: String?
    public var userKnownHostsFiles: [String]?
    /// Where each obtained value came from, for error messages ("~/.ssh/config line 4").
    public var locations: [String: String] = [:]

    /// Records a keyword's value unless an earlier line already gave one (OpenSSH: first wins).
    mutating func obtain(_ keyword: String, _ arguments: [String], location: String) {
        guard let first = arguments.first else { return }
        func once(_ slot: inout String?) {
            if slot == nil {
                slot = first
                locations[keyword] = location
            }
        }
        switch keyword {
        case "hostname": once(&hostName)
        case "user": once(&user)
        case "port": once(&port)
        case "identityfile": identityFiles.append(first)
        case "identitiesonly": once(&identitiesOnly)
        case "proxyjump": once(&proxyJump)
        case "connecttimeout": once(&connectTimeout)
        case "stricthostkeychecking": once(&strictHostKeyChecking)
        case "userknownhostsfile":
            if userKnownHostsFiles == nil {
                userKnownHostsFiles = arguments
                locations[keyword] = location
            }
        default: break
        }
    }
}

extension SSHConfig {
    /// What `ssh` reads with no `-F`: the user's `~/.ssh/config`, then `/etc/ssh/ssh_config`
    /// (each file starts with every line active, as in OpenSSH).
    public static func standard() throws(SSHError) -> SSHConfig {
        let user = try SSHConfig(contentsOf: PathExpansion.tilde("~/.ssh/config"), includeBase: PathExpansion.tilde("~/.ssh"))
        let system = try SSHConfig(contentsOf: "/etc/ssh/ssh_config", includeBase: "/etc/ssh")
        return SSHConfig(lines: user.lines + [.match(all: true)] + system.lines)
    }
}
