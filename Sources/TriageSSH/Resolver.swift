import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One resolved address of a host.
struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage
    var length: socklen_t

    var family: Int32 { Int32(storage.ss_family) }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    var port: Int {
        var value: Int = 0
        var copy = storage
        withUnsafePointer(to: &copy) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { value = Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { value = Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        }
        return value
    }

    /// "127.0.0.1:2222" or "[::1]:22".
    var description: String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = withSockaddr { getnameinfo($0, $1, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) }
        let text = status == 0 ? host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : "?"
        return family == AF_INET6 ? "[\(text)]:\(port)" : "\(text):\(port)"
    }
}

/// getaddrinfo bounded by a deadline: a resolver that does not answer must not hold a
/// connection attempt past its connect timeout. Numeric addresses never leave this thread.
enum Resolver {
    static func resolve(host: String, port: Int, deadline: Deadline, label: String) async throws(SSHError) -> [SocketAddress] {
        if let numeric = lookup(host: host, port: port, flags: AI_NUMERICHOST), case .success(let addresses) = numeric {
            return addresses
        }
        let box = ResultBox()
        POSIX.startThread { box.set(lookup(host: host, port: port, flags: 0)) }
        _ = await EventLoop.wait(fd: box.doorbell.fd, events: Int16(POLLIN), until: deadline)
        guard let result = box.value else {
            throw SSHError(
                host: label, phase: .resolve, code: .timedOut,
                "the resolver gave no answer for '\(host)' within \(deadline.budgetText)")
        }
        switch result {
        case .success(let addresses): return addresses
        case .failure(let message):
            throw SSHError(
                host: label, phase: .resolve, code: .nameNotResolved,
                "cannot resolve host name '\(host)': \(message)")
        }
    }

    enum Lookup: Sendable {
        case success([SocketAddress])
        case failure(String)
    }

    private static func lookup(host: String, port: Int, flags: Int32) -> Lookup? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = flags | AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            if flags & AI_NUMERICHOST != 0 { return nil }
            return .failure(String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: Int(entry.pointee.ai_addrlen)))
            }
            addresses.append(SocketAddress(storage: storage, length: entry.pointee.ai_addrlen))
            node = entry.pointee.ai_next
        }
        return .success(addresses)
    }

    /// Hands the lookup's result from the resolver thread to the waiting caller. A lookup that
    /// outlives its caller's deadline still rings its own doorbell, which lives as long as the box.
    private final class ResultBox: Sendable {
        let doorbell = Doorbell()
        private let result = Mutex<Lookup?>(nil)

        var value: Lookup? { result.withLock { $0 } }

        func set(_ lookup: Lookup?) {
            result.withLock { $0 = lookup ?? .failure("no result") }
            doorbell.ring()
        }
    }
}
