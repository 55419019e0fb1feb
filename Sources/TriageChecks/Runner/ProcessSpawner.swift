#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// posix_spawn with the settings every child of ours needs: no descriptor of this process
/// leaks into it (another thread's pipe or socket would otherwise keep a stream open), and it
/// starts with no blocked signals and default dispositions (dispatch worker threads block most
/// signals and this process ignores SIGPIPE; both would be inherited).
public enum ProcessSpawner {
    /// Where one of the child's standard descriptors comes from.
    public enum Stream: Sendable {
        /// A descriptor of ours, duplicated into the child.
        case descriptor(Int32)
        /// A file opened for the child (`/dev/null` to discard).
        case file(String, flags: Int32)

        public static let null = Stream.file("/dev/null", flags: O_RDWR)
        public static func output(_ path: String) -> Stream { .file(path, flags: O_WRONLY | O_CREAT | O_TRUNC) }
    }

    /// Starts `executable`; with `newSession` the child leads a session and process group of
    /// its own, so that `kill(-pid)` ends it and everything it started. `environment` is added
    /// to this process's, or with `inheriting: false` is the child's whole environment.
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        inheriting: Bool = true, stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null,
        newSession: Bool = false
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .file(let path, let flags): posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
            }
        }
        closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // POSIX_SPAWN_SETSID (glibc 2.26+) is 0x80; Swift does not import it.
        let setsid: Int32 = newSession ? 0x80 : 0
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setsid))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let rc: Int32
        if let environment {
            let base = inheriting ? ProcessInfo.processInfo.environment : [:]
            let merged = base.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
            let envp = merged.map { strdup($0) } + [nil]
            defer { for entry in envp { free(entry) } }
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// Waits for `pid`: its exit status, or 128 + the signal that ended it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        return status(raw)
    }

    /// A waitpid status as a shell reports it.
    public static func status(_ raw: Int32) -> Int32 {
        (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), which Swift does not import.
    private static let closeFrom: @Sendable (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Void = {
        typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return { _, _ in }
        }
        let function = unsafeBitCast(symbol, to: Function.self)
        return { _ = function($0, $1) }
    }()
}
