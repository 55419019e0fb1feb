import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The OpenSSH known_hosts files that vouch for host keys: plain and hashed (`|1|salt|hash`)
/// host fields, `[host]:port` names, pattern lists with `!` negation, and `@revoked` markers.
/// `@cert-authority` lines are skipped: host certificates are not supported.
public struct KnownHosts: Sendable {
    /// One usable line of a known_hosts file.
    public struct Entry: Sendable, Equatable {
        public enum Marker: Sendable { case none, revoked }
        enum Names: Sendable, Equatable {
            case patterns([String])
            case hashed(salt: [UInt8], hash: [UInt8])
        }

        public let marker: Marker
        let names: Names
        public let key: HostKey
        public let file: String
        public let line: Int

        /// "/root/.ssh/known_hosts:3", how entries are named in messages.
        public var location: String { "\(file):\(line)" }

        func matches(_ name: String) -> Bool {
            switch names {
            case .patterns(let patterns): HostPattern.matchesList(patterns, name)
            case .hashed(let salt, let hash):
                Array(HMAC<Insecure.SHA1>.authenticationCode(for: Array(name.utf8), using: SymmetricKey(data: salt))) == hash
            }
        }
    }

    /// What the files say about a key a host offered.
    public enum Verdict: Sendable, Equatable {
        /// An entry for this host lists exactly this key.
        case trusted(Entry)
        /// The key is marked `@revoked` for this host: never accept it.
        case revoked(Entry)
        /// The host is known, but with other keys: possibly an attack, or a reinstalled host.
        case changed(expected: [Entry])
        /// No entry names this host.
        case unknown
    }

    /// The files in lookup order; the first one is where accept-new writes.
    public let files: [String]
    private let parsed: [KnownHostsFile]

    /// Every usable line of the files, in order.
    public var entries: [Entry] { parsed.flatMap(\.entries) }

    /// Reads every file that exists (or takes it from the process's cache when it has not
    /// changed); lines that do not parse are skipped, as OpenSSH does.
    public init(files: [String]) {
        self.files = files
        parsed = files.map(KnownHostsFile.load)
    }

    /// The entries naming `name`, file by file in order.
    private func entries(naming name: String) -> [Entry] {
        parsed.flatMap { $0.entries(naming: name) }
    }

    /// The name a host is filed under: `host` on port 22, `[host]:port` otherwise.
    public static func name(host: String, port: Int) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    public func verdict(for key: HostKey, host: String, port: Int) -> Verdict {
        let name = Self.name(host: host, port: port)
        let forHost = entries(naming: name)
        if let revoked = forHost.first(where: { $0.marker == .revoked && $0.key == key }) { return .revoked(revoked) }
        let valid = forHost.filter { $0.marker == .none }
        if let match = valid.first(where: { $0.key == key }) { return .trusted(match) }
        return valid.isEmpty ? .unknown : .changed(expected: valid)
    }

    /// Key types already known for a host, so the handshake can ask for one of them first.
    public func knownKeyTypes(host: String, port: Int) -> [String] {
        let name = Self.name(host: host, port: port)
        var types: [String] = []
        for entry in entries(naming: name) where entry.marker == .none && !types.contains(entry.key.type) {
            types.append(entry.key.type)
        }
        return types
    }

    /// Why a known_hosts file could not be written, in words ("cannot create the folder …: Not a directory").
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Appends `name type base64` to `file`, creating it (and its folder, mode 0700) when
    /// missing, as OpenSSH's accept-new does. Returns the line written.
    @discardableResult
    public static func append(key: HostKey, host: String, port: Int, to file: String) throws(WriteError) -> String {
        func failure(_ what: String) -> WriteError { WriteError(description: "\(what): \(String(cString: strerror(errno)))") }
        let line = "\(name(host: host, port: port)) \(key.type) \(key.base64)"
        let folder = POSIX.folder(of: file)
        if !folder.isEmpty {
            var path = folder.hasPrefix("/") ? "" : "."
            for part in folder.split(separator: "/") {
                path += "/" + part
                if mkdir(path, 0o700) != 0 && errno != EEXIST { throw failure("cannot create the folder \(path)") }
            }
        }
        let existing = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
        let separator = existing.isEmpty || existing.last == UInt8(ascii: "\n") ? "" : "\n"
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot open it for writing") }
        defer { close(fd) }
        let bytes = Array((separator + line + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw failure("cannot write to it") }
        return line
    }

    // MARK: - Parsing

    static func parse(_ text: String, file: String) -> [Entry] {
        var result: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var marker = Entry.Marker.none
            if first.hasPrefix("@") {
                guard first == "@revoked" else { continue }  // @cert-authority and unknown markers
                marker = .revoked
                fields.removeFirst()
            }
            guard fields.count >= 3, let names = parseNames(fields[0]),
                let key = HostKey(type: fields[1], base64: fields[2])
            else { continue }
            result.append(Entry(marker: marker, names: names, key: key, file: file, line: index + 1))
        }
        return result
    }

    private static func parseNames(_ field: String) -> Entry.Names? {
        guard field.hasPrefix("|1|") else {
            return .patterns(field.split(separator: ",").map(String.init))
        }
        let parts = field.dropFirst(3).split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 2, let salt = Data(base64Encoded: String(parts[0])),
            let hash = Data(base64Encoded: String(parts[1])), hash.count == 20
        else { return nil }
        return .hashed(salt: [UInt8](salt), hash: [UInt8](hash))
    }
}

/// How strictly a host's key is checked against known_hosts. There is deliberately no
/// accept-anything mode: an unknown key is either refused or, when asked, recorded.
public struct HostKeyPolicy: Sendable, Equatable {
    public enum Mode: String, Sendable {
        /// Only keys already in known_hosts are accepted (OpenSSH `StrictHostKeyChecking yes`).
        case strict
        /// Unknown hosts are trusted on first use and recorded; changed keys are still refused.
        case acceptNew = "accept-new"
    }

    public var mode: Mode
    /// Files to look keys up in; accept-new writes to the first.
    public var knownHostsFiles: [String]

    public init(mode: Mode, knownHostsFiles: [String]) {
        self.mode = mode
        self.knownHostsFiles = knownHostsFiles
    }
}
