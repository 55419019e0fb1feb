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
