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

/// People's accounts in the domain: the password rules, the setup code, sign-in throttling,
/// password changes and disabling, and who may do what (with a driven clock).
@Suite struct AccountsTests {
    static let policy = AccountPolicy()

    /// The session a sign-in without a second factor opens.
    /// The pending code step a sign-in with a second factor gives.
    static func pending(_ step: SignInStep) throws -> String {
        guard case .needsCode(let pending) = step else { throw CoordinatorError(.conflict, "no code was asked for") }
        return pending
    }

    static func signedIn(_ step: SignInStep) throws -> (secret: String, session: WebSession) {
        guard case .signedIn(let secret, let session) = step else { throw CoordinatorError(.conflict, "a code was asked for") }
        return (secret, session)
    }

    @Test(arguments: [
        ("short1234", "at least 10 characters"), ("password123", "most common"), ("QWERTYUIOP", "most common"),
        ("dora.d@x.example", "must not be the login"), (String(repeating: "é", count: 40), "at most 72 bytes"),
    ])
    func weakPasswordsAreRefusedSayingWhy(password: String, why: String) {
        #expect(throws: CoordinatorError.self) { try Passwords.check(password, login: "dora.d@x.example", policy: Self.policy) }
        do {
            try Passwords.check(password, login: "dora.d@x.example", policy: Self.policy)
        } catch let error as CoordinatorError {
            #expect(error.code == .invalid && error.message.hasPrefix("password: ") && error.message.contains(why), "\(error)")
        } catch {}
        #expect(Passwords.common.count == 10_000)
    }

    @Test func aPasswordIsStoredOnlyAsABcryptHashOfTheConfiguredCost() async throws {
        let hash = try await Passwords.hash("dora dispatches all day", cost: 5)
        #expect(hash.hasPrefix("$2") && hash.contains("$05$") && !hash.contains("dispatches"))
        #expect(try await Passwords.verify("dora dispatches all day", hash: hash, cost: 5))
        #expect(try await !Passwords.verify("dora dispatches all night", hash: hash, cost: 5))
        #expect(try await !Passwords.verify("dora dispatches all day", hash: nil, cost: 5), "no hash: the decoy never matches")
    }

    @Test func theSetupCodeMakesTheFirstAdminOnceAndOnlyOnAStoreWithoutUsers() async throws {
        try await TestCoordinator.with(inventory: false, people: false) { t in
            let accounts = t.coordinator.accounts
            let stale = try #require(try await accounts.setupCode())
            let code = try #require(try await accounts.setupCode())
            let input = UserInput(login: "Ada", displayName: "Ada Admin", role: .dispatcher)
            func refusal(_ body: () async throws -> User) async -> CoordinatorError.Code? {
                do {
                    _ = try await body()
                    return nil
                } catch let error as CoordinatorError { return error.code } catch { return .storage }
            }
            #expect(
                await refusal { try await accounts.setUp(code: stale, input, password: "ada sets triage up") } == .forbidden,
                "a second code voids the first")
            #expect(
                await refusal { try await accounts.setUp(code: code, input, password: "password1") } == .invalid,
                "a weak password is refused before the code is spent")
            let ada = try await accounts.setUp(code: code, input, password: "ada sets triage up")
            #expect(ada.login == "ada" && ada.role == .admin && ada.displayName == "Ada Admin", "the first account is an admin")
            #expect(
                await refusal {
                    try await accounts.setUp(code: code, UserInput(login: "eve", role: .admin), password: "eve wants the keys")
                }
                    == .conflict, "once: Triage is set up")
            #expect(try await accounts.setupCode() == nil, "no new code once somebody has an account")
            t.clock.advance(minutes: 1)
            let fresh = try await TestCoordinator(people: false)
            defer { Task { try? await fresh.close() } }
            let late = try #require(try await fresh.coordinator.accounts.setupCode())
            fresh.clock.advance(minutes: 24 * 60 + 1)
            #expect(
                await refusal { try await fresh.coordinator.accounts.setUp(code: late, input, password: "ada sets triage up") }
                    == .forbidden,
                "24 hours and the link is dead")
            // A valid code after an account was made another way (triage user create): a conflict, not a second admin.
            let spare = try #require(try await fresh.coordinator.accounts.setupCode())
            _ = try await fresh.coordinator.accounts.create(
                UserInput(login: "root", role: .admin), password: "root was made first", by: .console)
            #expect(
                await refusal { try await fresh.coordinator.accounts.setUp(code: spare, input, password: "ada sets triage up") }
                    == .conflict)
            try await fresh.close()
        }
    }

    @Test func failedSignInsSlowThatLoginFromThatAddressButNeverLockTheOwnerOut() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let accounts = t.coordinator.accounts
            let dora = t.accounts[.dispatcher]!
            func signIn(_ password: String, from address: String) async throws -> CoordinatorError? {
                do {
                    _ = try await accounts.signIn(login: "DORA", password: password, from: address, hours: 1)
                    return nil
                } catch let error as CoordinatorError { return error }
            }
            for _ in 1...5 { #expect(try await signIn("guess", from: "203.0.113.9")?.code == .unauthorized) }
            // The sixth failure starts a wait: one minute, then two, …; the right password waits too.
            #expect(try await signIn("guess", from: "203.0.113.9")?.code == .unauthorized)
            let locked = try await signIn(dora.password, from: "203.0.113.9")
            #expect(locked?.code == .tooManyRequests && locked?.message.contains("try again in 1 minute") == true)
            #expect(try await signIn(dora.password, from: "198.51.100.7") == nil, "the owner elsewhere is not locked out")
            t.clock.advance(minutes: 1)
            #expect(try await signIn("guess", from: "203.0.113.9")?.code == .unauthorized)
            #expect(try await signIn(dora.password, from: "203.0.113.9")?.message.contains("2 minutes") == true)
            t.clock.advance(minutes: 2)
            #expect(try await signIn(dora.password, from: "203.0.113.9") == nil, "a success clears the pair")
            #expect(try await signIn("guess", from: "203.0.113.9")?.code == .unauthorized)

            // One address guessing many logins waits after 30 failures in 15 minutes, whatever the login.
            for index in 0..<30 {
                _ = try? await accounts.signIn(login: "user\(index)", password: "guess", from: "192.0.2.1", hours: 1)
            }
            let spraying = try await signIn(dora.password, from: "192.0.2.1")
            #expect(spraying?.code == .tooManyRequests && spraying?.message.contains("15 minutes") == true)
            t.clock.advance(minutes: 15)
            #expect(try await signIn(dora.password, from: "192.0.2.1") == nil)
        }
    }

    @Test func aNewPasswordEndsEveryOtherSessionAndNeedsTheCurrentOne() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let accounts = t.coordinator.accounts
            let dora = t.accounts[.dispatcher]!
            let (here, session) = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            let (there, _) = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "b", hours: 1))
            let me = session.principal
            await #expect(throws: CoordinatorError.self, "the current password is asked for") {
                try await accounts.setPassword(of: session.user.id, to: "a brand new password", current: "wrong", keeping: here, by: me)
            }
            try await accounts.setPassword(of: session.user.id, to: "a brand new password", current: dora.password, keeping: here, by: me)
            #expect(try await accounts.webSession(secret: here) != nil, "the session that changed it stays")
            #expect(try await accounts.webSession(secret: there) == nil, "every other one ends")
            await #expect(throws: CoordinatorError.self) {
                try await accounts.signIn(login: dora.login, password: dora.password, from: "c", hours: 1)
            }
            _ = try await accounts.signIn(login: dora.login, password: "a brand new password", from: "c", hours: 1)

            // Somebody else's password is an admin's business; a dispatcher gets 403 and nothing changes.
            let root = try await accounts.user(login: "root", by: .console)
            await #expect(throws: CoordinatorError.self) {
                try await accounts.setPassword(of: root.id, to: "dora owns root now", current: nil, by: me)
            }
            _ = try await accounts.signIn(login: "root", password: t.accounts[.admin]!.password, from: "d", hours: 1)
        }
    }

    @Test func disablingEndsSessionsAndPersonalTokensAndSparesTheLastAdmin() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let accounts = t.coordinator.accounts
            let dora = t.accounts[.dispatcher]!
            let user = try await accounts.user(login: dora.login, by: .console)
            let (secret, _) = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            let (_, token) = try await t.coordinator.credentials.issueToken(name: "dora's script", role: .dispatcher, userId: user.id)
            let acting = try #require(try await t.coordinator.credentials.principal(forToken: token))
            #expect(acting.userId == user.id && acting.name == "dora" && acting.tokenId != nil)

            // Accounts are an admin's: a dispatcher (by session or token) gets 403 and nothing changes.
            for principal in [acting, user.principal] {
                await #expect(throws: CoordinatorError.self) { try await accounts.users(by: principal) }
                await #expect(throws: CoordinatorError.self) {
                    try await accounts.create(UserInput(login: "eve", role: .admin), password: "eve wants the keys", by: principal)
                }
                await #expect(throws: CoordinatorError.self) { try await accounts.setActive(user.id, false, by: principal) }
            }
            #expect(try await accounts.users(by: .console).map(\.login) == ["root", "dora"])

            _ = try await accounts.setActive(user.id, false, by: .console)
            #expect(try await accounts.webSession(secret: secret) == nil, "the session ended")
            #expect(try await t.coordinator.credentials.principal(forToken: token) == nil, "the personal token stopped")
            await #expect(throws: CoordinatorError.self, "and they cannot sign in") {
                try await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1)
            }
            _ = try await accounts.setActive(user.id, true, by: .console)
            #expect(try await t.coordinator.credentials.principal(forToken: token) == nil, "enabled again, the token stays revoked")
            #expect(try await t.coordinator.credentials.personalTokens(by: user.principal).allSatisfy { $0.revokedAt != nil })

            let root = try await accounts.user(login: "root", by: .console)
            do {
                _ = try await accounts.setActive(root.id, false, by: .console)
                Issue.record("the last admin was disabled")
            } catch let error as CoordinatorError {
                #expect(error.code == .conflict && error.message.contains("last active admin"))
            }
        }
    }

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

    @Test func aBurstOfSignInsChecksAtMostTheFreeAllowanceAndRefusesTheRightPasswordInIt() async throws {
        // bcrypt at cost 6 (a few ms): long enough that, were the failures written only after the
        // check, the whole burst would pass the throttle before the first was written.
        try await TestCoordinator.with(inventory: false, accountPolicy: AccountPolicy(bcryptCost: 6)) { t in
            let accounts = t.coordinator.accounts
            let dora = t.accounts[.dispatcher]!
            let outcomes = await withTaskGroup(of: (Int, CoordinatorError.Code?).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            _ = try await accounts.signIn(
                                login: "dora", password: index == 50 ? dora.password : "guess \(index)",
                                from: "203.0.113.9", hours: 1)
                            return (index, nil)
                        } catch let error as CoordinatorError { return (index, error.code) } catch { return (index, .storage) }
                    }
                }
                return await group.reduce(into: [Int: CoordinatorError.Code?]()) { $0[$1.0] = $1.1 }
            }
            let checked = outcomes.values.filter { $0 == .unauthorized }.count
            #expect(checked <= LoginThrottle.freePairFailures + 1, "\(checked) passwords were checked")
            #expect(outcomes.values.filter { $0 == .tooManyRequests }.count == 60 - checked, "every other attempt was throttled")
            #expect(outcomes[50] == .tooManyRequests, "the right password inside a throttled burst is refused")
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

    @Test func aNewPasswordRevokesPersonalTokensUnlessKeptOnPurpose() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let accounts = t.coordinator.accounts
            let credentials = t.coordinator.credentials
            let dora = t.accounts[.dispatcher]!
            let (_, session) = try Self.signedIn(await accounts.signIn(login: dora.login, password: dora.password, from: "a", hours: 1))
            let me = session.principal
            let (_, kept) = try await credentials.issuePersonalToken(name: "backup script", by: me)
            try await accounts.setPassword(of: me.userId!, to: "a routine new password", current: dora.password, keepTokens: true, by: me)
            #expect(try await credentials.principal(forToken: kept)?.userId == me.userId, "kept on purpose")
            try await accounts.setPassword(of: me.userId!, to: "the password leaked, new", current: "a routine new password", by: me)
            #expect(try await credentials.principal(forToken: kept) == nil, "revoked by default")
            let (_, again) = try await credentials.issuePersonalToken(name: "new script", by: me)
            let user = try await accounts.user(login: dora.login, by: .console)
            try await accounts.setPassword(of: user.id, to: "an admin chose this one", current: nil, by: .console)
            #expect(try await credentials.principal(forToken: again) == nil, "an admin's reset revokes them too")
        }
    }

    @Test func theDecoyForUnknownLoginsHasTheConfiguredCost() async throws {
        for cost in [4, 6] {
            #expect(Passwords.decoy(cost: cost).contains(String(format: "$%02d$", cost)))
        }
        // An unknown login is checked against the decoy of the configured cost (made on first use), not a fixed one.
        #expect(!Passwords.hasDecoy(cost: 7))
        #expect(try await !Passwords.verify("guess", hash: nil, cost: 7))
        #expect(Passwords.hasDecoy(cost: 7), "the unknown login was checked against a cost-7 decoy")
    }
}
