/// A client machine: where the agent runs checks and what tickets are about.
public struct HostFields: InventoryFields, Equatable {
    public static let kind = RecordKind.host
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
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case siteId, name, address, tags, criticality, vendorServices, pluginParams
    }

    public init(siteId: Int, name: String, address: String? = nil, tags: [String] = [],
                criticality: Criticality = .normal) {
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

    public func validate() throws {
        try Validate.text(name, "name")
        try Validate.optionalText(address, "address", max: 255)
        try Validate.tags(tags, "tags")
        for entry in vendorServices {
            try Validate.text(entry.service, "vendorServices.service")
            try Validate.text(entry.vendor, "vendorServices.vendor")
        }
        for (plugin, params) in pluginParams {
            try Validate.text(plugin, "pluginParams")
            for (name, value) in params {
                try Validate.text(name, "pluginParams.\(plugin)", max: 64)
                try Validate.optionalText(value, "pluginParams.\(plugin).\(name)", max: 1000)
            }
        }
    }

    public var references: [(RecordKind, Int, String)] { [(.site, siteId, "siteId")] }

    public var storedValues: [(String, StoredValue)] {
        [("site_id", .int(siteId)), ("name", .text(name)), ("address", .text(address)), ("tags", .json(tags)),
         ("criticality", .text(criticality.rawValue)), ("vendor_services", .json(vendorServices)),
         ("plugin_params", .json(pluginParams))]
    }

    public init(stored row: any StoredRow) throws {
        siteId = try row.required(row.int("site_id"), "site_id")
        name = try row.required(row.text("name"), "name")
        address = try row.text("address")
        tags = try row.json("tags", as: [String].self)
        criticality = Criticality(rawValue: try row.text("criticality") ?? "") ?? .normal
        vendorServices = try row.json("vendor_services", as: [VendorService].self)
        pluginParams = try row.json("plugin_params", as: [String: [String: String]].self)
    }
}

public typealias Host = Record<HostFields>
