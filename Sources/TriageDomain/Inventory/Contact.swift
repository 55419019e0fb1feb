/// A person at a customer whom the desk talks to: who calls, who gets the mail. The desk finds a
/// customer by a contact's name, email or phone.
public struct ContactFields: InventoryFields, Equatable {
    public static let kind = RecordKind.contact
    public var customerId: Int
    public var name: String
    public var email: String?
    public var phone: String?
    /// Why mail to `email` cannot be delivered (a bounce said so); replies skip it until cleared.
    public var undeliverable: String?

    public init(customerId: Int, name: String, email: String? = nil, phone: String? = nil, undeliverable: String? = nil) {
        self.customerId = customerId
        self.name = name
        self.email = email
        self.phone = phone
        self.undeliverable = undeliverable
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case customerId, name, email, phone, undeliverable }

    public func validate() throws {
        try Validate.all(
            { try Validate.text(name, "name") },
            {
                try Validate.optionalText(email, "email", max: 254)
                if let email, !email.contains("@") { throw CoordinatorError.invalid("email", "is not an email address (no @)") }
            },
            { try Validate.optionalText(phone, "phone", max: 50) })
    }

    public var references: [(RecordKind, Int, String)] { [(.customer, customerId, "customerId")] }

    /// A phone number as it is compared: its digits only, so "+49 30 1234-5" finds "+493012345".
    package static func digits(_ phone: String) -> String { phone.filter(\.isNumber) }
}

public typealias Contact = Record<ContactFields>
