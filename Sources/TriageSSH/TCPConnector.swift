#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves a host name and opens a TCP connection to it, both bounded by one timeout.
enum TCPConnector {
    /// Returns a connected, non-blocking socket with TCP_NODELAY set.
    static func connect(host: String, port: Int, timeout: Duration, label: String) async throws(SSHError) -> Int32 {
        let deadline = Deadline(after: timeout)
        let addresses = try await Resolver.resolve(host: host, port: port, deadline: deadline, label: label)
        var lastError: SSHError?
        for address in addresses {
            do {
                return try await connect(to: address, deadline: deadline, label: label)
            } catch {
                lastError = error
                if deadline.hasPassed { break }
            }
        }
        throw lastError
            ?? SSHError(
                host: label, phase: .resolve, code: .nameNotResolved,
                "'\(host)' has no address to connect to")
    }

    private static func connect(to address: SocketAddress, deadline: Deadline, label: String) async throws(SSHError) -> Int32 {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else {
            throw SSHError(host: label, phase: .connect, code: .unreachable, "cannot create a socket: \(errnoText())")
        }
        var keep = false
        defer { if !keep { close(fd) } }

        let started = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if started != 0 && errno != EINPROGRESS {
            throw failure(errno, address: address, deadline: deadline, label: label)
        }
        if started != 0 {
            guard await EventLoop.wait(fd: fd, events: Int16(POLLOUT), until: deadline) else {
                throw SSHError(
                    host: label, phase: .connect, code: .timedOut,
                    "no answer from \(address) within \(deadline.budgetText)")
            }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError != 0 { throw failure(soError, address: address, deadline: deadline, label: label) }
        }
        SocketOptions.setNoDelay(fd)
        keep = true
        return fd
    }

    private static func failure(_ code: Int32, address: SocketAddress, deadline: Deadline, label: String) -> SSHError {
        switch code {
        case ECONNREFUSED:
            return SSHError(
                host: label, phase: .connect, code: .connectionRefused,
                "connection refused by \(address): is sshd running and listening on port \(address.port)?")
        case ETIMEDOUT:
            return SSHError(
                host: label, phase: .connect, code: .timedOut,
                "no answer from \(address) within \(deadline.budgetText)")
        default:
            return SSHError(
                host: label, phase: .connect, code: .unreachable,
                "cannot reach \(address): \(String(cString: strerror(code)))")
        }
    }
}

/// Socket options that keep SSH round trips fast.
enum SocketOptions {
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Linux clears TCP_QUICKACK after a while; re-arming it before each wait avoids the
    /// ≈40 ms delayed-ACK stall that sshd's un-Nagled replies otherwise hit.
    /// Harmless (and ignored) on sockets that are not TCP, such as a ProxyJump tunnel's.
    static func armQuickAck(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
