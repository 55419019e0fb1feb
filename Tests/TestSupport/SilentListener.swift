import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback port that accepts TCP connections (the kernel completes the handshake for a
/// listening socket) and never says a word: a hung host.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        (fd, port) = try LoopbackSocket.listen()
    }

    deinit { close(fd) }
}
