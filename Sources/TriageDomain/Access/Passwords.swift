import Foundation
import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// How people's accounts behave. YAML `accounts:`.
public struct AccountPolicy: Codable, Sendable, Equatable {
    /// The shortest password accepted (NIST SP 800-63B asks for at least 8).
    public var minimumPasswordLength = 10
    /// bcrypt's work factor (2^cost rounds): 11 takes about 115 ms per check on the 2-core test
    /// machine (the C code at -O2, as a release build compiles it; 10 takes 57, 12 takes 230),
    /// inside the 50–250 ms a sign-in may cost (docs/coordinator.md, "Accounts").
    public var bcryptCost = 11
    /// Roles whose people must sign in with a second factor (an authenticator app's code): until
    /// they have added one, the board shows them only their account page.
    public var requireSecondFactor: Set<Role> = []

    public init(minimumPasswordLength: Int = 10, bcryptCost: Int = 11, requireSecondFactor: Set<Role> = []) {
        self.minimumPasswordLength = minimumPasswordLength
        self.bcryptCost = bcryptCost
        self.requireSecondFactor = requireSecondFactor
    }

    public func validate() throws {
        for (name, value, range) in [("minimumPasswordLength", minimumPasswordLength, 8...72), ("bcryptCost", bcryptCost, 4...16)]
        where !range.contains(value) {
            throw CoordinatorError(.configuration, "accounts.\(name) must be \(range.lowerBound)…\(range.upperBound)")
        }
        if requireSecondFactor.contains(.agent) {
            throw CoordinatorError(.configuration, "accounts.requireSecondFactor: agents have no accounts (admin, dispatcher, technician)")
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case minimumPasswordLength, bcryptCost, requireSecondFactor }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "accounts", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minimumPasswordLength = try c.decodeIfPresent(Int.self, forKey: .minimumPasswordLength) ?? minimumPasswordLength
        bcryptCost = try c.decodeIfPresent(Int.self, forKey: .bcryptCost) ?? bcryptCost
        requireSecondFactor = try c.decodeIfPresent(Set<Role>.self, forKey: .requireSecondFactor) ?? requireSecondFactor
    }
}

/// Passwords are checked against the policy and stored only as bcrypt hashes. Hashing takes a
/// tenth of a second on purpose, so it runs on NIO's thread pool, never on an event loop.
package enum Passwords {
    /// The 10 000 most common passwords, most common first (Django's list, itself from
    /// Royce Williams' breach corpus), compiled into the binary.
    package static let common: Set<Substring> = Set(
        String(decoding: PackageResources.common_passwords_txt, as: UTF8.self).split(separator: "\n"))

    /// Refuses a password that is short, common, or the login itself, saying which (422 `password`).
    package static func check(_ password: String, login: String, policy: AccountPolicy) throws {
        guard password.count >= policy.minimumPasswordLength else {
            throw CoordinatorError.invalid("password", "must be at least \(policy.minimumPasswordLength) characters")
        }
        guard password.utf8.count <= 72 else {
            // bcrypt reads 72 bytes; more would be silently ignored.
            throw CoordinatorError.invalid("password", "must be at most 72 bytes")
        }
        let lowered = password.lowercased()
        guard !common.contains(Substring(lowered)) else {
            throw CoordinatorError.invalid("password", "is one of the 10 000 most common passwords: choose another")
        }
        guard lowered != login.lowercased() else { throw CoordinatorError.invalid("password", "must not be the login") }
    }

    package static func hash(_ password: String, cost: Int) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: UInt8(cost)) }
    }

    /// Whether `password` matches `hash`; without a hash (an unknown login, or a user who has not
    /// chosen a password yet) it is compared against a decoy of the configured `cost`, so that
    /// answer takes as long as a wrong password and does not tell which logins exist.
    package static func verify(_ password: String, hash: String?, cost: Int) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            let matches = Bcrypt.verify(password, hash: hash ?? decoy(cost: cost))
            return hash != nil && matches
        }
    }

    private static let decoys = Mutex<[Int: String]>([:])

    /// Whether the decoy of `cost` has been made (a verify without a hash made it).
    package static func hasDecoy(cost: Int) -> Bool { decoys.withLock { $0[cost] != nil } }

    /// One decoy hash per cost, made when first needed.
    package static func decoy(cost: Int) -> String {
        if let known = decoys.withLock({ $0[cost] }) { return known }
        let made = Bcrypt.hash("not a password of anybody's", cost: UInt8(cost))
        decoys.withLock { $0[cost] = made }
        return made
    }
}
