import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import TriageDomain
import TriageEdge

/// Who is signing in, for the throttle: the peer, or the client a trusted proxy names in
/// X-Forwarded-For (its last entry: the one the proxy itself added). X-Forwarded-For from a peer
/// that is not in `http.trustedProxies` is ignored — anybody can send it — and logged, at most
/// once an hour per peer: a reverse proxy that is not listed makes every client one address, so
/// one client's failures throttle everybody's sign-ins (docs/deployment.md).
final class ClientAddress: Sendable {
    let trustedProxies: Set<String>
    private let warned = Mutex<[String: Date]>([:])
    private let logger = Logger(label: "triage.http")
    static let warnEvery: TimeInterval = 3600

    init(trustedProxies: Set<String>) { self.trustedProxies = trustedProxies }

    func of(_ request: Request, peer: String?) -> String {
        let peer = Self.plain(peer ?? "unknown")
        let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!]
        guard trustedProxies.contains(peer) else {
            if forwarded != nil { warnOnce(peer) }
            return peer
        }
        guard let last = forwarded?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty else { return peer }
        return last
    }

    /// An IPv4 peer of a socket listening on IPv6 ("::ffff:127.0.0.1") as the address it is.
    static func plain(_ peer: String) -> String {
        peer.hasPrefix("::ffff:") && peer.contains(".") ? String(peer.dropFirst(7)) : peer
    }

    private func warnOnce(_ peer: String) {
        let now = Date()
        let due = warned.withLock { seen in
            if let last = seen[peer], now.timeIntervalSince(last) < Self.warnEvery { return false }
            // Bounded: peers warned about more than an hour ago are forgotten, and at most 10 000 kept.
            if seen.count >= 10_000 { seen = seen.filter { now.timeIntervalSince($0.value) < Self.warnEvery } }
            if seen.count >= 10_000 { seen.removeAll() }
            seen[peer] = now
            return true
        }
        guard due else { return }
        logger.warning(
            """
            X-Forwarded-For from \(peer), which is not in http.trustedProxies: ignored, so sign-ins are throttled by \(peer) itself; \
            if it is your reverse proxy, add it to http.trustedProxies (this is said once an hour per peer)
            """)
    }
}
