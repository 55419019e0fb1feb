/// OpenSSH host patterns: `*` and `?` wildcards, comma- or space-separated lists, and `!`
/// negation, where a matching negated pattern rules the host out whatever else matches.
enum HostPattern {
    /// One pattern against one name. known_hosts compares host names case-insensitively;
    /// ssh_config's `Host` lines compare them case-sensitively with the name as typed, as
    /// OpenSSH does (`Host TWO` applies to `TWO`, not to `two`).
    static func matches(_ pattern: String, _ name: String, caseSensitive: Bool = false) -> Bool {
        caseSensitive
            ? wildcard(Array(pattern.utf8), Array(name.utf8))
            : wildcard(Array(pattern.lowercased().utf8), Array(name.lowercased().utf8))
    }

    /// A list of patterns: true when some positive pattern matches and no negated one does.
    static func matchesList(_ patterns: [String], _ name: String, caseSensitive: Bool = false) -> Bool {
        var matched = false
        for pattern in patterns where !pattern.isEmpty {
            if pattern.hasPrefix("!") {
                if matches(String(pattern.dropFirst()), name, caseSensitive: caseSensitive) { return false }
            } else if matches(pattern, name, caseSensitive: caseSensitive) {
                matched = true
            }
        }
        return matched
    }

    private static func wildcard(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
