import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a loopback port, for tests that speak HTTP byte by byte (or not at
/// all) to see what a server does with slow, silent or too many clients.
public final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    public init(port: Int) throws {
        guard let fd = LoopbackSocket.connect(port: port) else { throw TestSupportError("cannot connect to 127.0.0.1:\(port)") }
        self.fd = fd
    }

    deinit { close(fd) }

    /// False once the peer has closed (or reset) the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
    }

    /// What the peer sends until `marker` has arrived (or it closes, or `timeout` passes).
    public func read(until marker: String, timeout: Duration) -> String {
        var received: [UInt8] = []
        var byte = [UInt8](repeating: 0, count: 1)
        let deadline = ContinuousClock.now + timeout
        let wanted = Array(marker.utf8)
        while !received.ends(with: wanted), ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            guard recv(fd, &byte, 1, 0) == 1 else { break }
            received.append(byte[0])
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Everything the peer sends until it closes the connection or `timeout` passes; `closed`
    /// says which.
    public func readUntilClosed(timeout: Duration) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return (String(decoding: received, as: UTF8.self), false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard
                poll(&poller, 1, Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
                    > 0
            else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<n]
        }
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
