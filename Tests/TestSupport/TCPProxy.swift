import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP proxy in front of a real server, to lose one answer on purpose: once armed,
/// the first client message that contains a marker (say `COMMIT`) still reaches the server, but
/// the server's answer never reaches the client, whose connection is then cut. What a network
/// or a failing database host does to a commit; the server itself cannot be made to.
public final class TCPProxy: @unchecked Sendable {
    public let port: Int
    private let target: Int
    private let listener: Int32
    private let lock = NSLock()
    private var marker: [UInt8]?
    private var cutCount = 0

    /// Listens on loopback, or on `host` (a test namespace's address on this side, so that a
    /// process inside the namespace reaches a server on loopback).
    public init(to target: Int, listeningOn host: String = "127.0.0.1") throws {
        self.target = target
        (listener, port) = try LoopbackSocket.listen(on: host)
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)) }

    /// The next client message containing `marker` is delivered and its answer lost.
    public func arm(cutAfter marker: String) { lock.withLock { self.marker = Array(marker.utf8) } }

    /// How many answers were lost so far.
    public var cuts: Int { lock.withLock { cutCount } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { break }
            guard let server = LoopbackSocket.connect(port: target) else {
                close(client)
                continue
            }
            let link = Link(client: client, server: server)
            Thread { [self] in clientToServer(link) }.start()
            Thread { [self] in serverToClient(link) }.start()
        }
        close(listener)
    }

    /// One proxied connection; `lost` once its answers are being dropped.
    private final class Link: @unchecked Sendable {
        let client: Int32, server: Int32
        private let lock = NSLock()
        private var isLost = false
        private var closedHalves = 0
        init(client: Int32, server: Int32) { (self.client, self.server) = (client, server) }
        var lost: Bool {
            get { lock.withLock { isLost } }
            set { lock.withLock { isLost = newValue } }
        }
        /// Both pumps call this when they stop; the second closes the sockets.
        func halfClosed() {
            let both = lock.withLock {
                closedHalves += 1
                return closedHalves == 2
            }
            if both {
                close(client)
                close(server)
            }
        }
    }

    private func clientToServer(_ link: Link) {
        defer { link.halfClosed() }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(link.client, &buffer, buffer.count, 0)
            guard n > 0 else {
                shutdown(link.server, Int32(SHUT_WR))
                return
            }
            let chunk = Array(buffer[0..<n])
            let cut = lock.withLock { () -> Bool in
                guard let marker, chunk.firstRange(of: marker) != nil else { return false }
                self.marker = nil
                cutCount += 1
                return true
            }
            if cut { link.lost = true }
            guard send(link.server, chunk, chunk.count, Int32(MSG_NOSIGNAL)) == chunk.count else { return }
            if cut {
                usleep(300_000)  // the server commits and answers; the answer is dropped
                shutdown(link.client, Int32(SHUT_RDWR))
                shutdown(link.server, Int32(SHUT_RDWR))
                return
            }
        }
    }

    private func serverToClient(_ link: Link) {
        defer { link.halfClosed() }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(link.server, &buffer, buffer.count, 0)
            guard n > 0 else {
                shutdown(link.client, Int32(SHUT_WR))
                return
            }
            if link.lost { continue }
            guard send(link.client, buffer, n, Int32(MSG_NOSIGNAL)) == n else { return }
        }
    }
}
