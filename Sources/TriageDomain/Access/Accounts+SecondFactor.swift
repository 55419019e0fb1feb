import Crypto
import Foundation

/// What enrolment shows once: the key to type into an authenticator app, and the otpauth URL.
public struct SecondFactorEnrolment: Sendable, Equatable {
    /// Base32, as apps ask for it.
    public var key: String
    public var url: String
}

/// A second factor by RFC 6238 (30-second steps, 6 digits, SHA-1: what every authenticator app
/// speaks), with ten single-use recovery codes. A configuration can require it per role
/// (`accounts.requireSecondFactor`).
extension Accounts {
    package static let recoveryCodeCount = 10

    /// Starts enrolment for the signed-in person: a new secret, pending until a code from it is
    /// confirmed. Replacing a factor they have needs their current password (a session alone
    /// must not lock its owner's app and recovery codes out).
    public func startSecondFactor(password: String? = nil, by principal: Principal) async throws -> SecondFactorEnrolment {
        let user = try await own(principal)
        let passwordChecked = user.totpEnabled
        if passwordChecked { try await checkCurrentPassword(password, userId: user.id, field: "password") }
        let secret = Self.randomCode(length: 20)
        let sealed = try sealer.seal(secret)
        let at = now()
        try await write { session in
            var factor = try await session.secondFactor(userId: user.id)
            // Read again inside the write: a factor confirmed meanwhile is replaced only with the password.
            if factor.secret != nil, !passwordChecked {
                throw CoordinatorError.invalid("password", "is needed to replace your second factor")
            }
            factor.pending = sealed
            try await session.saveSecondFactor(factor, userId: user.id, at: at)
        }
        let url = TimeCode(secret: secret).authenticatorURL(label: "Triage:\(user.login)", issuer: "Triage")
        let key = URLComponents(string: url)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        return SecondFactorEnrolment(key: key, url: url)
    }

    /// Confirms enrolment with a code from the app; returns the recovery codes, shown only now.
    public func confirmSecondFactor(code: String, by principal: Principal) async throws -> [String] {
        let user = try await own(principal)
        let at = now()
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.randomCode(length: 10).lowercased() }
        try await write { session in
            var factor = try await session.secondFactor(userId: user.id)
            guard let pending = factor.pending else {
                throw CoordinatorError(.conflict, "start setting up the authenticator app first")
            }
            guard let step = Self.step(of: code, secret: try sealer.open(pending), at: at) else {
                throw CoordinatorError.invalid("code", "is not the app's current code: check the phone's clock and try again")
            }
            factor = SecondFactor(secret: pending, recoveryCodes: codes.map(Self.hash), lastStep: step)
            try await session.saveSecondFactor(factor, userId: user.id, at: at)
        }
        return codes
    }

    /// Turns the second factor off: the person themselves with their password, or an admin for
    /// anybody (`triage user reset-second-factor`, when the phone and the codes are lost).
    public func removeSecondFactor(of userId: Int, password: String?, by principal: Principal) async throws {
        if principal.userId == userId {
            try await checkCurrentPassword(password, userId: userId, field: "password")
        } else {
            try Access.manageAccounts(principal)
        }
        let at = now()
        try await write { session in
            guard try await session.user(id: userId) != nil else { throw CoordinatorError.notFound("user", userId) }
            try await session.saveSecondFactor(SecondFactor(), userId: userId, at: at)
        }
    }

    /// Whether `code` passes for the user: the app's code within one step either side and newer
    /// than the last accepted, or an unused recovery code (then spent).
    package func acceptsCode(_ code: String, userId: Int, at: Date, in session: Records) async throws -> Bool {
        var factor = try await session.secondFactor(userId: userId)
        guard let secret = try factor.secret.map(sealer.open) else { return false }
        if let step = Self.step(of: code, secret: secret, at: at), step > (factor.lastStep ?? -1) {
            factor.lastStep = step
        } else if let index = factor.recoveryCodes.firstIndex(of: Self.hash(code.trimmingCharacters(in: .whitespaces).lowercased())) {
            factor.recoveryCodes.remove(at: index)
        } else {
            return false
        }
        try await session.saveSecondFactor(factor, userId: userId, at: at)
        return true
    }

    /// The time step whose code `code` is, within one step of `at`; nil when none.
    package static func step(of code: String, secret: String, at: Date) -> Int? {
        let digits = code.filter { !$0.isWhitespace }
        guard digits.count == 6, let value = Int(digits) else { return nil }
        let totp = TimeCode(secret: secret)
        let now = Int(at.timeIntervalSince1970) / TimeCode.stepSeconds
        return [now - 1, now, now + 1].first { totp.code(step: $0) == value }
    }

    private func own(_ principal: Principal) async throws -> User {
        guard let id = principal.userId, principal.tokenId == nil else {
            throw CoordinatorError(.forbidden, "a second factor is set up by its person, signed in to the board")
        }
        guard let user = try await read({ try await $0.user(id: id) }) else { throw CoordinatorError.notFound("user", id) }
        return user
    }

    package static func hash(_ code: String) -> String { SHA256.hash(data: Data(code.utf8)).hex }

    /// Letters and digits without look-alikes (no 0/O, 1/I/L).
    package static func randomCode(length: Int) -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}

extension Accounts {
    package static let keyCheck = "key-check"

    /// At start: refuses a key that is not the one this store's secrets were sealed with (a
    /// second instance with its own key would lock every second factor out), then seals what a
    /// triage from before sealing stored in plain text — second-factor secrets and shared keys.
    public func sealStoredSecrets() async throws {
        let candidate = try sealer.seal(Self.keyCheck)
        try await write { session in
            guard try sealer.open(try await session.serverSecret(named: Self.keyCheck, orNew: candidate)) == Self.keyCheck else {
                throw SecretSealer.wrongKey
            }
            for (name, value) in try await session.serverSecrets() where !SecretSealer.isSealed(value) {
                try await session.setServerSecret(try sealer.seal(value), named: name)
            }
            for user in try await session.users() {
                var factor = try await session.secondFactor(userId: user.id)
                let plain = [factor.secret, factor.pending].compactMap { $0 }.filter { !SecretSealer.isSealed($0) }
                guard !plain.isEmpty else { continue }
                factor.secret = try factor.secret.map { SecretSealer.isSealed($0) ? $0 : try sealer.seal($0) }
                factor.pending = try factor.pending.map { SecretSealer.isSealed($0) ? $0 : try sealer.seal($0) }
                try await session.saveSecondFactor(factor, userId: user.id, at: user.updatedAt)
            }
        }
    }
}
