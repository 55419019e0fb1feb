#if canImport(Glibc)
    import Glibc
#endif

/// A non-blocking pipe one thread rings and another waits on with poll(): how work finished on
/// some thread wakes an event loop. Both ends close with the doorbell, so a late ring never
/// reaches a reused descriptor.
final class Doorbell: Sendable {
    /// Readable once rung.
    let fd: Int32
    private let ringFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe: \(errnoText())")
        for end in fds {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        (fd, ringFD) = (fds[0], fds[1])
    }

    deinit {
        close(fd)
        close(ringFD)
    }

    func ring() {
        var byte: UInt8 = 1
        _ = write(ringFD, &byte, 1)
    }

    /// Takes every ring so far, so that poll() sleeps again.
    func silence() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(fd, &bytes, bytes.count) > 0 {}
    }
}
