/// Whom the service provider works for.
public struct CustomerFields: InventoryFields, Equatable {
    public static let kind = RecordKind.customer
    public var name: String
    public var contactEmail: String?
    public var contactPhone: String?
    public var notes: String?

    public init(name: String, contactEmail: String? = nil, contactPhone: String? = nil, notes: String? = nil) {
        self.name = name
        self.contactEmail = contactEmail
        self.contactPhone = contactPhone
        self.notes = notes
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case name, contactEmail, contactPhone, notes }

    public func validate() throws {
        try Validate.all({ try Validate.text(name, "name") },
                         { try Validate.optionalText(contactEmail, "contactEmail") },
                         { try Validate.optionalText(contactPhone, "contactPhone", max: 50) },
                         { try Validate.optionalText(notes, "notes", max: 10_000) })
    }
}

public typealias Customer = Record<CustomerFields>
