import Foundation
import HummingbirdOTP
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// A second factor: enrolment, the code step at sign-in, recovery codes, roles that must have one.
extension AccountsTests {
    @Test func aSecondFactorAsksForTheAppsCodeOnceAndRecoveryCodesWorkOnceEach() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let accounts = t.coordinator.accounts
            let dora = t.accounts[.dispatcher]!
            let (_, session) = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            let me = session.principal
            let enrolment = try await accounts.startSecondFactor(by: me)
            #expect(enrolment.url.hasPrefix("otpauth://totp/Triage:dora?secret=\(enrolment.key)") && enrolment.key.count == 32)
            let sealedPending = try #require(try await t.store.read { try await $0.secondFactor(userId: me.userId!) }.pending)
            #expect(sealedPending.hasPrefix("sealed:v1:") && !sealedPending.contains(enrolment.key), "the database holds it sealed")
            let secret = try t.coordinator.core.sealer.open(sealedPending)
            let app = TOTP(secret: secret)
            func code(_ offset: Double = 0) -> String { String(format: "%06d", app.compute(date: t.clock.now + offset)) }
            await #expect(throws: CoordinatorError.self, "a wrong code does not turn it on") {
                try await accounts.confirmSecondFactor(code: code(-120), by: me)
            }
            let recovery = try await accounts.confirmSecondFactor(code: code(), by: me)
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            let stored = try await t.store.read { try await $0.secondFactor(userId: me.userId!) }
            #expect(
                stored.secret == sealedPending && stored.pending == nil && !stored.recoveryCodes.contains(recovery[0]),
                "codes are kept hashed")

            // The password alone no longer signs in: it gives a pending proof for the code step.
            t.clock.advance(minutes: 1)
            let pending = try Self.pending(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            await #expect(throws: CoordinatorError.self) {
                try await accounts.signIn(pending: pending, code: "000000", from: "a", hours: 1)
            }
            let now = code()
            _ = try await accounts.signIn(pending: pending, code: now, from: "a", hours: 1)
            do {
                _ = try await accounts.signIn(pending: pending, code: recovery[3], from: "a", hours: 1)
                Issue.record("a pending step was used twice")
            } catch let error as CoordinatorError {
                #expect(error.message.contains("took too long"), "a pending step works once: \(error)")
            }
            func step() async throws -> String {
                try Self.pending(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            }
            await #expect(throws: CoordinatorError.self, "a code works once") {
                try await accounts.signIn(pending: try await step(), code: now, from: "a", hours: 1)
            }
            _ = try await accounts.signIn(pending: try await step(), code: recovery[3].uppercased(), from: "a", hours: 1)
            await #expect(throws: CoordinatorError.self, "a recovery code works once") {
                try await accounts.signIn(pending: try await step(), code: recovery[3], from: "a", hours: 1)
            }
            let later = try await step()
            let forged = later.replacingOccurrences(of: "2fa.\(me.userId!).", with: "2fa.1.")
            await #expect(throws: CoordinatorError.self, "the step is stored: another user's id in it finds nothing") {
                try await accounts.signIn(pending: forged, code: recovery[4], from: "a", hours: 1)
            }
            t.clock.advance(minutes: 6)
            do {
                _ = try await accounts.signIn(pending: later, code: code(), from: "a", hours: 1)
                Issue.record("a five-minute-old proof was taken")
            } catch let error as CoordinatorError {
                #expect(error.message.contains("took too long"))
            }

            // Replacing the factor from a session alone is refused: it takes the password.
            do {
                _ = try await accounts.startSecondFactor(by: me)
                Issue.record("a second factor was replaced without the password")
            } catch let error as CoordinatorError {
                #expect(error.code == .invalid && error.message.contains("password"), "\(error)")
            }
            #expect(try await t.store.read { try await $0.secondFactor(userId: me.userId!) }.pending == nil, "nothing pending was made")
            _ = try await accounts.startSecondFactor(password: dora.password, by: me)
            #expect(
                try await t.store.read { try await $0.secondFactor(userId: me.userId!) }.secret == sealedPending,
                "the old one works until confirmed")

            await #expect(throws: CoordinatorError.self, "turning it off takes the password") {
                try await accounts.removeSecondFactor(of: me.userId!, password: "wrong", by: me)
            }
            try await accounts.removeSecondFactor(of: me.userId!, password: dora.password, by: me)
            _ = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
        }
    }

    @Test func aRoleThatMustHaveASecondFactorSeesOnlyItsAccountUntilItHasOne() async throws {
        try await TestCoordinator.with(inventory: false, accountPolicy: AccountPolicy(bcryptCost: 4, requireSecondFactor: [.admin])) { t in
            let accounts = t.coordinator.accounts
            let root = t.accounts[.admin]!
            let dora = t.accounts[.dispatcher]!
            let admin = try Self.signedIn(await accounts.signIn(login: root.login, password: root.password, from: "a", hours: 1))
            let dispatcher = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            #expect(admin.session.mustAddSecondFactor && !dispatcher.session.mustAddSecondFactor)

            // No way around it through a personal token: none is made, and one made before the
            // requirement does not act until the second factor is added.
            do {
                _ = try await t.coordinator.credentials.issuePersonalToken(name: "script", by: admin.session.principal)
                Issue.record("a personal token was made before the required second factor")
            } catch let error as CoordinatorError {
                #expect(error.code == .forbidden && error.message.contains("second factor"), "\(error)")
            }
            let user = try await accounts.user(login: root.login, by: .console)
            let (_, earlier) = try await t.coordinator.credentials.issueToken(name: "old script", role: .admin, userId: user.id)
            #expect(try await t.coordinator.credentials.principal(forToken: earlier) == nil)
            _ = try await t.coordinator.credentials.issuePersonalToken(name: "script", by: dispatcher.session.principal)
        }
    }

    @Test func theCodeStepAndTheAccountPagesPasswordAreThrottledToo() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let accounts = t.coordinator.accounts
            let dora = t.accounts[.dispatcher]!
            let (_, session) = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            let me = session.principal
            _ = try await accounts.startSecondFactor(by: me)
            let app = TOTP(
                secret: try t.coordinator.core.sealer.open(
                    try #require(try await t.store.read { try await $0.secondFactor(userId: me.userId!) }.pending)))
            func code() -> String { String(format: "%06d", app.compute(date: t.clock.now)) }
            _ = try await accounts.confirmSecondFactor(code: code(), by: me)
            t.clock.advance(minutes: 1)

            // Six wrong codes from one address, then even the right code waits.
            let pending = try Self.pending(await accounts.signIn(login: dora.login, password: dora.password, from: "b", hours: 1))
            var refusals: [CoordinatorError.Code] = []
            for _ in 1...6 {
                do { _ = try await accounts.signIn(pending: pending, code: "000000", from: "b", hours: 1) } catch let error
                    as CoordinatorError
                {
                    refusals.append(error.code)
                }
            }
            #expect(refusals == Array(repeating: .unauthorized, count: 6))
            do {
                _ = try await accounts.signIn(pending: pending, code: code(), from: "b", hours: 1)
                Issue.record("the right code passed the throttle")
            } catch let error as CoordinatorError {
                #expect(error.code == .tooManyRequests, "\(error)")
            }
            // The right password again (which clears the login's count from here) does not clear the wrong codes.
            let again = try Self.pending(await accounts.signIn(login: dora.login, password: dora.password, from: "b", hours: 1))
            do {
                _ = try await accounts.signIn(pending: again, code: "000000", from: "b", hours: 1)
                Issue.record("a new password step reset the code throttle")
            } catch let error as CoordinatorError {
                #expect(error.code == .tooManyRequests, "\(error)")
            }

            // Re-entering the current password on the account page: six wrong tries, then even the right one waits.
            var wrong: [CoordinatorError.Code] = []
            for _ in 1...6 {
                do { try await accounts.setPassword(of: me.userId!, to: "a brand new password", current: "guess", by: me) } catch let error
                    as CoordinatorError
                {
                    wrong.append(error.code)
                }
            }
            #expect(wrong == Array(repeating: .invalid, count: 6))
            for attempt: @Sendable () async throws -> Void in [
                { try await accounts.setPassword(of: me.userId!, to: "a brand new password", current: dora.password, by: me) },
                { try await accounts.removeSecondFactor(of: me.userId!, password: dora.password, by: me) },
                { _ = try await accounts.startSecondFactor(password: dora.password, by: me) },
            ] {
                do {
                    try await attempt()
                    Issue.record("a right password passed the re-entry throttle")
                } catch let error as CoordinatorError {
                    #expect(error.code == .tooManyRequests && error.message.contains("try again in"), "\(error)")
                }
            }
            t.clock.advance(minutes: 1)
            try await accounts.setPassword(of: me.userId!, to: "a brand new password", current: dora.password, by: me)
        }
    }
}
