import Foundation

/// A network namespace as a test host (docs/testing.md): a veth pair, 10.201.N.1 on this
/// side and 10.201.N.2 inside, a default route through this side, and a resolv.conf naming
/// this side (where nothing answers DNS). Traffic only ever goes to these two addresses.
/// Deleted with everything in it on deinit.
public final class TestNetworkNamespace: @unchecked Sendable {
    public let name: String
    public let hostAddress: String
    public let innerAddress: String
    private let hostLink: String

    public init() throws {
        let id = Int.random(in: 1...250)
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        name = "triage-\(suffix)"
        hostLink = "tv-\(suffix)".prefix(15).description
        hostAddress = "10.201.\(id).1"
        innerAddress = "10.201.\(id).2"
        let steps: [[String]] = [
            ["netns", "add", name],
            ["link", "add", hostLink, "type", "veth", "peer", "name", "eth0", "netns", name],
            ["addr", "add", "\(hostAddress)/24", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["-n", name, "addr", "add", "\(innerAddress)/24", "dev", "eth0"],
            ["-n", name, "link", "set", "eth0", "up"],
            ["-n", name, "link", "set", "lo", "up"],
            ["-n", name, "route", "add", "default", "via", hostAddress],
        ]
        try FileManager.default.createDirectory(atPath: "/etc/netns/\(name)", withIntermediateDirectories: true)
        try "nameserver \(hostAddress)\n".write(toFile: "/etc/netns/\(name)/resolv.conf", atomically: true, encoding: .utf8)
        for step in steps {
            let result = try Shell.run("/usr/sbin/ip", step)
            guard result.status == 0 else {
                cleanUp()
                throw TestSupportError("ip \(step.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
    }

    deinit { cleanUp() }

    private func cleanUp() {
        _ = try? Shell.run("/usr/sbin/ip", ["link", "del", hostLink])
        _ = try? Shell.run("/usr/sbin/ip", ["netns", "del", name])
        try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
    }

    /// `ip netns exec NAME …`: runs inside, with /sys and resolv.conf of the namespace.
    public func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Shell.Output {
        try Shell.run("/usr/sbin/ip", ["netns", "exec", name, executable] + arguments, environment: environment)
    }
}
