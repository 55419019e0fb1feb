#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `~` and `%` token expansion for paths in ssh config, and glob for Include.
enum PathExpansion {
    /// Read from the environment each time (cheap: no copy of the whole environment).
    static var home: String {
        if let value = getenv("HOME"), value.pointee != 0 { return String(cString: value) }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    /// Looked up once: the user a process runs as does not change, and each lookup reads the
    /// passwd database (a sweep resolves hundreds of destinations).
    static let localUser: String = {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }()

    static func tilde(_ path: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }

    /// Expands OpenSSH's `%d %h %n %p %r %u %%` tokens; unknown tokens stay as they are.
    static func tokens(_ text: String, values: [Character: String]) -> String {
        var result = ""
        var percent = false
        for character in text {
            if percent {
                if character == "%" {
                    result.append("%")
                } else if let value = values[character] {
                    result += value
                } else {
                    result += "%\(character)"
                }
                percent = false
            } else if character == "%" {
                percent = true
            } else {
                result.append(character)
            }
        }
        return percent ? result + "%" : result
    }

    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }
}
