/// Whom the service provider works for.
public struct CustomerFields: InventoryFields, Equatable {
    public static let kind = RecordKind.customer
    public var name: String
    public var contactEmail: String?
    public var contactPhone: String?
    public var notes: String?
    /// Mail domains an admin has verified as the customer's: mail from an unknown sender at one of
    /// them opens the customer's ticket with the sender as a new contact (docs/mail.md).
    public var mailDomains: [String]?

    public init(name: String, contactEmail: String? = nil, contactPhone: String? = nil, notes: String? = nil, mailDomains: [String]? = nil)
    {
        self.name = name
        self.contactEmail = contactEmail
        self.contactPhone = contactPhone
        self.notes = notes
        self.mailDomains = mailDomains
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case name, contactEmail, contactPhone, notes, mailDomains }

    public func validate() throws {
        try Validate.all(
            { try Validate.text(name, "name") },
            { try Validate.optionalText(contactEmail, "contactEmail") },
            { try Validate.optionalText(contactPhone, "contactPhone", max: 50) },
            { try Validate.optionalText(notes, "notes", max: 10_000) },
            { try Validate.domains(mailDomains, "mailDomains") })
    }
}

public typealias Customer = Record<CustomerFields>
