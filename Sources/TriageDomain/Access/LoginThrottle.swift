import Foundation

/// Failed sign-ins, counted per (login, address) and per address (docs/coordinator.md,
/// "Accounts"). A pair may fail `freePairFailures` times in `window`; then each further failure
/// doubles its wait from one minute up to `maxWait`. An address that failed `freeAddressFailures`
/// times in `window`, across all logins, waits `maxWait`. A login is never locked for
/// everybody, so an attacker elsewhere cannot lock its owner (or the last admin) out; a success
/// clears the pair.
///
/// Every attempt counts as a failure *before* its password is checked, in one write with the
/// check of the wait (`Accounts.reserveAttempt`), and a success gives its count back: so a burst
/// of simultaneous attempts checks at most the free allowance, however large it is.
package struct LoginThrottle: Sendable {
    package static let window: TimeInterval = 15 * 60
    package static let freePairFailures = 5
    package static let freeAddressFailures = 30
    package static let maxWait: TimeInterval = 15 * 60

    package static func pairKey(login: String, address: String) -> String { "pair:\(UserInput.normalized(login))|\(address)" }
    package static func addressKey(_ address: String) -> String { "address:\(address)" }

    /// How long `failures` must still wait at `now`; nil when it may try.
    package static func wait(_ failures: LoginFailures?, at now: Date) -> TimeInterval? {
        guard let until = failures?.lockedUntil, until > now else { return nil }
        return until.timeIntervalSince(now)
    }

    /// The failures after one more at `now`.
    package static func failed(_ before: LoginFailures?, at now: Date, isAddress: Bool) -> LoginFailures {
        var failures = before.flatMap { now.timeIntervalSince($0.since) < window ? $0 : nil } ?? LoginFailures(count: 0, since: now)
        failures.count += 1
        if isAddress {
            if failures.count >= freeAddressFailures { failures.lockedUntil = now + maxWait }
        } else if failures.count > freePairFailures {
            let doublings = min(failures.count - freePairFailures - 1, 10)
            failures.lockedUntil = now + min(60 * pow(2, Double(doublings)), maxWait)
        }
        return failures
    }
}

extension LoginThrottle {
    /// Key of re-entering one's current password on the account page (per account: a stolen
    /// session may guess from anywhere).
    package static func reentryKey(userId: Int) -> String { "reentry:\(userId)" }

    /// Key of the second-factor code step, per account: a right password (which clears the
    /// login's count from that address) does not clear wrong codes, and only someone who has the
    /// password reaches this step, so nobody else can lock it.
    package static func codeKey(userId: Int) -> String { "code:\(userId)" }

    /// The address's count after a success gave its attempt back.
    package static func succeeded(_ before: LoginFailures) -> LoginFailures {
        var failures = before
        failures.count = max(0, failures.count - 1)
        if failures.count < freeAddressFailures { failures.lockedUntil = nil }
        return failures
    }
}

/// Failed sign-ins of one key (a login from an address, or an address) within its window, and
/// until when it must wait.
public struct LoginFailures: Sendable, Equatable {
    public var count: Int
    public var since: Date
    public var lockedUntil: Date?

    package init(count: Int, since: Date, lockedUntil: Date? = nil) {
        self.count = count
        self.since = since
        self.lockedUntil = lockedUntil
    }
}
