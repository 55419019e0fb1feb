import Foundation

/// A person who signs in to the board: admin, dispatcher or technician (agents are machines and
/// use tokens). A technician's account speaks for one technician record.
public struct User: Codable, Sendable, Equatable {
    public var id: Int
    /// What they type to sign in: 1–64 letters, digits, `.`, `_`, `-` or `@`, kept in lower case.
    public var login: String
    public var displayName: String
    public var email: String?
    public var role: Role
    public var technicianId: Int?
    /// A disabled user cannot sign in; their sessions and personal tokens stop working at once.
    public var active: Bool
    /// Whether sign-in asks for a code from an authenticator app (RFC 6238) after the password.
    public var totpEnabled: Bool
    public var passwordChangedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    /// Who they are when they act: the same `role:login` a token of theirs would be.
    public var principal: Principal {
        Principal(tokenId: nil, userId: id, name: login, role: role, technicianId: technicianId)
    }

    package init(
        id: Int, login: String, displayName: String, email: String? = nil, role: Role, technicianId: Int? = nil, active: Bool,
        totpEnabled: Bool, passwordChangedAt: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.login = login
        self.displayName = displayName
        self.email = email
        self.role = role
        self.technicianId = technicianId
        self.active = active
        self.totpEnabled = totpEnabled
        self.passwordChangedAt = passwordChangedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What an admin (or the first start's setup page, or `triage user create`) gives for a new user.
public struct UserInput: Codable, Sendable, Equatable {
    public var login: String
    public var displayName: String?
    public var email: String?
    public var role: Role
    public var technicianId: Int?

    public init(login: String, displayName: String? = nil, email: String? = nil, role: Role, technicianId: Int? = nil) {
        self.login = login
        self.displayName = displayName
        self.email = email
        self.role = role
        self.technicianId = technicianId
    }

    package static let loginCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789._-@")

    /// The login as stored: trimmed and in lower case, so `Alice` and `alice` are one account.
    package static func normalized(_ login: String) -> String {
        login.trimmingCharacters(in: .whitespaces).lowercased()
    }

    package func validate() throws {
        let login = Self.normalized(login)
        guard (1...64).contains(login.count), login.allSatisfy(Self.loginCharacters.contains) else {
            throw CoordinatorError.invalid("login", "1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        try Validate.optionalText(displayName, "displayName", max: 100)
        if let email {
            try Validate.text(email, "email", max: 254)
            guard email.contains("@"), !email.contains(where: \.isWhitespace) else {
                throw CoordinatorError.invalid("email", "is not an email address")
            }
        }
        guard !role.isMachine else {
            throw CoordinatorError.invalid(
                "role", "agents and collectors are machines: give them an agent token or a collector token, not an account")
        }
        if role == .technician, technicianId == nil {
            throw CoordinatorError.invalid("technicianId", "a technician's account speaks for a technician record: name it")
        }
    }
}
