/// A client machine as the coordinator keeps it and a sweep reads it (GET /api/v1/hosts): where
/// the agent runs checks and what tickets are about.
public struct HostFields: Codable, Sendable, Equatable {
    public var siteId: Int
    public var name: String
    /// How the agent reaches it over SSH (`user@host:port` or an ssh_config alias).
    public var address: String?
    public var tags: [String]
    public var criticality: Criticality
    /// Services a third party maintains: a failure there is a vendor case, not ours to fix.
    public var vendorServices: [VendorService]
    /// Plugin parameters for this host: plugin name → parameter → value.
    public var pluginParams: [String: [String: String]]

    public enum Criticality: String, Codable, Sendable, CaseIterable { case low, normal, high, critical }

    public struct VendorService: Codable, Sendable, Equatable {
        public var service: String
        public var vendor: String

        public init(service: String, vendor: String) {
            self.service = service
            self.vendor = vendor
        }
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case siteId, name, address, tags, criticality, vendorServices, pluginParams
    }

    public init(
        siteId: Int, name: String, address: String? = nil, tags: [String] = [],
        criticality: Criticality = .normal
    ) {
        self.siteId = siteId
        self.name = name
        self.address = address
        self.tags = tags
        self.criticality = criticality
        self.vendorServices = []
        self.pluginParams = [:]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        siteId = try c.decode(Int.self, forKey: .siteId)
        name = try c.decode(String.self, forKey: .name)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
        criticality = try c.decodeIfPresent(Criticality.self, forKey: .criticality) ?? .normal
        vendorServices = try c.decodeIfPresent([VendorService].self, forKey: .vendorServices) ?? []
        pluginParams = try c.decodeIfPresent([String: [String: String]].self, forKey: .pluginParams) ?? [:]
    }
}

/// A host the coordinator knows, with its id: one item of GET /api/v1/hosts.
public struct RegisteredHost: Decodable, Sendable, Equatable {
    public var id: Int
    public var fields: HostFields

    private enum Keys: String, CodingKey { case id }

    public init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: Keys.self).decode(Int.self, forKey: .id)
        fields = try HostFields(from: decoder)
    }
}
