/// A place where a customer's machines are and where technicians go.
public struct SiteFields: InventoryFields, Equatable {
    public static let kind = RecordKind.site
    public var customerId: Int
    public var name: String
    public var address: String?
    public var region: String?
    public var latitude: Double?
    public var longitude: Double?
    public var timeZone: String
    /// When a technician can get in; empty means always.
    public var openingHours: [OpeningHours]

    public struct OpeningHours: Codable, Sendable, Equatable {
        /// ISO weekday: 1 = Monday … 7 = Sunday.
        public var weekday: Int
        public var opens: String
        public var closes: String

        public init(weekday: Int, opens: String, closes: String) {
            (self.weekday, self.opens, self.closes) = (weekday, opens, closes)
        }
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case customerId, name, address, region, latitude, longitude, timeZone, openingHours
    }

    public init(
        customerId: Int, name: String, address: String? = nil, region: String? = nil,
        timeZone: String = "UTC", openingHours: [OpeningHours] = []
    ) {
        self.customerId = customerId
        self.name = name
        self.address = address
        self.region = region
        self.timeZone = timeZone
        self.openingHours = openingHours
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try c.decode(Int.self, forKey: .customerId)
        name = try c.decode(String.self, forKey: .name)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        region = try c.decodeIfPresent(String.self, forKey: .region)
        latitude = try c.decodeIfPresent(Double.self, forKey: .latitude)
        longitude = try c.decodeIfPresent(Double.self, forKey: .longitude)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        openingHours = try c.decodeIfPresent([OpeningHours].self, forKey: .openingHours) ?? []
    }

    public func validate() throws {
        try Validate.all(
            { try Validate.text(name, "name") },
            { try Validate.optionalText(address, "address", max: 500) },
            { try Validate.optionalText(region, "region", max: 64) },
            { try Validate.range(latitude, "latitude", -90...90) },
            { try Validate.range(longitude, "longitude", -180...180) },
            { try Validate.timeZone(timeZone, "timeZone") },
            {
                for hours in openingHours {
                    try Validate.weekday(hours.weekday, "openingHours.weekday")
                    try Validate.window(hours.opens, hours.closes, "openingHours")
                }
            })
    }

    public var references: [(RecordKind, Int, String)] { [(.customer, customerId, "customerId")] }
}

public typealias Site = Record<SiteFields>
