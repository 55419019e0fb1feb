#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One parsed known_hosts file with its plain host names indexed, shared by every connection
/// of the process and parsed again only when the file changes (a sweep of N hosts used to
/// parse the whole file N times: a quarter of its CPU at 200 hosts).
struct KnownHostsFile: Sendable {
    let entries: [KnownHosts.Entry]
    /// Lowercased plain names (no wildcard, no negation on the line) → entry indexes.
    private let byName: [String: [Int]]
    /// Lines that need matching: hashed names, wildcards, negations.
    private let scanned: [Int]

    init(entries: [KnownHosts.Entry]) {
        self.entries = entries
        var byName: [String: [Int]] = [:]
        var scanned: [Int] = []
        for (index, entry) in entries.enumerated() {
            if case .patterns(let patterns) = entry.names,
                !patterns.contains(where: { $0.hasPrefix("!") || $0.contains("*") || $0.contains("?") })
            {
                for pattern in Set(patterns.map { $0.lowercased() }) { byName[pattern, default: []].append(index) }
            } else {
                scanned.append(index)
            }
        }
        self.byName = byName
        self.scanned = scanned
    }

    /// The entries that name `name`, in file order.
    func entries(naming name: String) -> [KnownHosts.Entry] {
        let indexed = byName[name.lowercased()] ?? []
        let matched = scanned.filter { entries[$0].matches(name) }
        return (indexed + matched).sorted().map { entries[$0] }
    }

    // MARK: - The process-wide cache

    private static let cache = FileCache<KnownHostsFile>()

    /// The file as it is now: from the cache when unchanged, else read and parsed again. A file
    /// that does not exist or cannot be read has no entries.
    static func load(_ path: String) -> KnownHostsFile {
        let file = cache.value(at: path) {
            POSIX.read(path).map { KnownHostsFile(entries: KnownHosts.parse(String(decoding: $0, as: UTF8.self), file: path)) }
                ?? KnownHostsFile(entries: [])
        }
        return file ?? KnownHostsFile(entries: [])
    }
}
