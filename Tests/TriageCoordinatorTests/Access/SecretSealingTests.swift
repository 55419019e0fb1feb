import Foundation
import HummingbirdOTP
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Second-factor secrets and the sign-in forms' signing key are sealed in the store with a key
/// kept outside it: a first start makes `secret-key` (0600) in the data folder, a database from
/// before is sealed in place, and an instance with another key is refused before it can lock
/// anybody out. On SQLite and, with TRIAGE_TEST_POSTGRES, PostgreSQL.
@Suite struct SecretSealingTests {
    @Test func secretsAreSealedInPlaceAndAnotherKeyIsRefused() async throws {
        let folder = try TempFolder()
        let database = try TestDatabase()
        defer { database.drop() }
        var configuration = CoordinatorConfiguration()
        configuration.dataDirectory = folder.path + "/data"
        configuration.database = database.url
        configuration.accounts = AccountPolicy(bcryptCost: 4)
        let store = try await CoordinatorServer.openStore(configuration, logger: TestCoordinator.logger)
        do {
            let plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            // As a triage from before sealing left it: a second factor and the form key in plain text.
            let userId = try await store.write { session in
                let user = try await session.insertUser(
                    User(
                        id: 0, login: "dora", displayName: "Dora", email: nil, role: .dispatcher, technicianId: nil, active: true,
                        totpEnabled: false, passwordChangedAt: nil, createdAt: Date(), updatedAt: Date()))
                try await session.setPasswordHash(try await Passwords.hash("dora dispatches all day", cost: 4), userId: user.id, at: Date())
                try await session.saveSecondFactor(
                    SecondFactor(secret: plain, pending: nil, recoveryCodes: [], lastStep: nil), userId: user.id, at: Date())
                _ = try await session.serverSecret(named: "login-form", orNew: "an old plain form key")
                return user.id
            }

            let coordinator = try await configuration.coordinator(store: store)
            let keyFile = folder.path + "/data/secret-key"
            var info = stat()
            #expect(stat(keyFile, &info) == 0 && info.st_mode & 0o777 == 0o600, "the key is its user's alone")
            let stored = try await store.read { try await $0.secondFactor(userId: userId) }
            #expect(stored.secret?.hasPrefix("sealed:v1:") == true && stored.secret?.contains(plain) == false)
            let secrets = try await store.read { try await $0.serverSecrets() }
            #expect(secrets.values.allSatisfy { $0.hasPrefix("sealed:v1:") } && secrets["login-form"] != nil, "\(secrets.keys)")

            // The sealed secret still signs in: the authenticator app keeps working.
            guard
                case .needsCode(let pending) = try await coordinator.accounts.signIn(
                    login: "dora", password: "dora dispatches all day", from: "a", hours: 1)
            else { throw CoordinatorError(.conflict, "no code was asked for") }
            let code = String(format: "%06d", TOTP(secret: plain).compute(date: Date()))
            _ = try await coordinator.accounts.signIn(pending: pending, code: code, from: "a", hours: 1)
            // And the form key is the old one, opened: a form token made before still passes.
            #expect(try await coordinator.accounts.isValidLoginFormToken(try await coordinator.accounts.loginFormToken()))

            // Starting again with the same key changes nothing; with another key it is refused.
            _ = try await configuration.coordinator(store: store)
            #expect(try await store.read { try await $0.secondFactor(userId: userId) }.secret == stored.secret)
            var other = configuration
            other.secretKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
            do {
                _ = try await other.coordinator(store: store)
                Issue.record("a coordinator with another key was made")
            } catch let error as CoordinatorError {
                #expect(error.code == .configuration && error.message.contains("needs the same key"), "\(error)")
            }
            var garbled = configuration
            garbled.secretKey = "not base64 at all"
            await #expect(throws: CoordinatorError.self) { _ = try await garbled.coordinator(store: store) }

            // A key file others can read is refused, saying so.
            chmod(keyFile, 0o644)
            do {
                _ = try await configuration.coordinator(store: store)
                Issue.record("a world-readable key was used")
            } catch let error as CoordinatorError {
                #expect(error.message.contains("readable by others"), "\(error)")
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}
