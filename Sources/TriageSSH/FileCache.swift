import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Values parsed from files, kept per path while the file is unchanged (same device, inode, size
/// and modification time) and parsed again when it changes: a sweep of N hosts reads and parses
/// its known_hosts and its keys once, not N times, and still sees a line that accept-new added.
final class FileCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (stamp: Stamp, value: Value)]>([:])

    private struct Stamp: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int

        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            seconds = info.st_mtim.tv_sec
            nanoseconds = info.st_mtim.tv_nsec
        }
    }

    /// The value of the file at `path` as it is now: cached, or made by `parse` when the file is
    /// new to the cache or has changed. Nil when there is no such file. A failed parse is not kept.
    func value<E: Error>(at path: String, parse: () throws(E) -> Value) throws(E) -> Value? {
        guard let stamp = Stamp(path) else { return nil }
        if let cached = entries.withLock({ $0[path] }), cached.stamp == stamp { return cached.value }
        let value = try parse()
        entries.withLock { $0[path] = (stamp, value) }
        return value
    }
}
