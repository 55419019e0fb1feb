import TriageModel

/// Hosts are inventory: validated, and kept at a site.
extension HostFields: InventoryFields {
    public static let kind = RecordKind.host

    public func validate() throws {
        try Validate.all(
            { try Validate.text(name, "name") },
            { try Validate.optionalText(address, "address", max: 255) },
            { try Validate.tags(tags, "tags") },
            {
                for entry in vendorServices {
                    try Validate.text(entry.service, "vendorServices.service")
                    try Validate.text(entry.vendor, "vendorServices.vendor")
                }
            },
            {
                for (plugin, params) in pluginParams {
                    try Validate.text(plugin, "pluginParams")
                    for (name, value) in params {
                        try Validate.text(name, "pluginParams.\(plugin)", max: 64)
                        try Validate.optionalText(value, "pluginParams.\(plugin).\(name)", max: 1000)
                    }
                }
            })
    }

    public var references: [(RecordKind, Int, String)] { [(.site, siteId, "siteId")] }
}

public typealias Host = Record<HostFields>
