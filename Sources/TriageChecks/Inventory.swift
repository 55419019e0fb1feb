import TriageYAML

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The hosts a technician or collector knows (YAML): how to reach each, what it is, and what
/// is special about it — parameter overrides and services a vendor manages.
///
/// ```yaml
/// hosts:
///   web1:
///     address: 10.0.0.5
///     user: root
///     port: 22
///     tags: [web, dmz]
///     criticality: high
///     params: { disk.space_crit: "95%" }
///     vendor_managed: { nginx.service: "Acme Web Support" }
/// ```
public struct Inventory: Sendable, Equatable {
    public struct Host: Sendable, Equatable {
        public var name: String
        public var address: String?
        public var user: String?
        public var port: Int?
        public var tags: [String] = []
        public var criticality: String?
        /// `plugin.param` → value.
        public var params: [String: String] = [:]
        /// Service (unit) name → vendor.
        public var vendorManaged: [String: String] = [:]

        public init(name: String) { self.name = name }

        /// `[user@]address[:port]` for SSH; the name itself when no address is given.
        public var target: String {
            var text = address ?? name
            if text.contains(":") && !text.hasPrefix("[") && port != nil { text = "[\(text)]" }
            if let port { text += ":\(port)" }
            if let user { text = "\(user)@\(text)" }
            return text
        }
    }

    public var hosts: [String: Host]

    public init(hosts: [String: Host] = [:]) { self.hosts = hosts }

    public static func load(file: String) throws(ManifestFailure) -> Inventory {
        var problems = Problems(file: file)
        func fail() -> ManifestFailure { ManifestFailure(folder: file, problems: problems.list) }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            problems.add(nil, "cannot read the inventory")
            throw fail()
        }
        let expected = "an inventory is a mapping with 'hosts:' mapping each host name to its settings"
        guard let top = problems.mapping(of: text, expected: expected) else { throw fail() }
        guard let hostsNode = top["hosts"]?.mapping else {
            problems.add(top["hosts"], expected)
            throw fail()
        }
        var inventory = Inventory()
        for (key, node) in hostsNode {
            guard let name = key.scalar?.string, let fields = node.mapping else {
                problems.add(key, "each host is a name with a mapping of settings")
                continue
            }
            problems.rejectUnknownKeys(fields, allowed: ["address", "user", "port", "tags", "criticality", "params", "vendor_managed"])
            var host = Host(name: name)
            host.address = problems.optionalString(fields, "address")
            host.user = problems.optionalString(fields, "user")
            if let port = fields["port"] {
                if let value = port.int, (1...65535).contains(value) {
                    host.port = value
                } else {
                    problems.add(port, "port must be 1–65535")
                }
            }
            host.tags = fields["tags"]?.sequence?.compactMap { $0.scalar?.string } ?? []
            host.criticality = problems.optionalString(fields, "criticality")
            host.params = problems.stringMap(fields["params"], "params")
            for key in host.params.keys where !key.contains(".") {
                problems.add(fields["params"], "parameter '\(key)' must be written plugin.name (e.g. disk.space_crit)")
            }
            host.vendorManaged = problems.stringMap(fields["vendor_managed"], "vendor_managed")
            inventory.hosts[name] = host
        }
        guard problems.list.isEmpty else { throw fail() }
        return inventory
    }
}
