#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Whether a plugin folder or file may be run by this process. A plugin runs with the agent's
/// privileges (often root), so anyone who can change its script owns the agent: only the
/// process's own user or root may own it, and neither its group nor others may write to it.
public enum PluginTrust {
    /// Why `path` must not be trusted, or nil when it may be.
    public static func problem(_ path: String, user: uid_t = geteuid()) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "cannot inspect \(path): \(String(cString: strerror(errno)))" }
        if info.st_uid != 0 && info.st_uid != user {
            return "refusing \(path): owned by uid \(info.st_uid), not by this user (uid \(user)) or root, who could change what it runs"
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            let mode = String(info.st_mode & 0o7777, radix: 8)
            return "refusing \(path): writable by its group or by others (mode \(mode)), who could change what it runs; chmod go-w it"
        }
        return nil
    }

    /// The absolute path of the running executable, symlinks resolved (`/proc/self/exe`): never
    /// the current directory, whatever `argv[0]` says.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 { return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        let argument = CommandLine.arguments.first ?? ""
        return argument.hasPrefix("/") ? URL(fileURLWithPath: argument).resolvingSymlinksInPath().path : nil
    }
}
