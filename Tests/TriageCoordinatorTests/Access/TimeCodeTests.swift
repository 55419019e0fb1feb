import Foundation
import HummingbirdOTP
import Testing

@testable import TriageDomain

/// The domain's own one-time codes against RFC 6238's published values and against
/// hummingbird-auth's implementation, which the authenticator app in the other tests uses.
@Suite struct TimeCodeTests {
    @Test func rfc6238VectorsForSHA1() {
        // RFC 6238 appendix B (SHA-1 seed "12345678901234567890"): the last six of the eight digits.
        let code = TimeCode(secret: "12345678901234567890")
        let vectors: [(Int, Int)] = [
            (59, 287_082), (1_111_111_109, 81_804), (1_111_111_111, 50_471), (1_234_567_890, 5_924),
            (2_000_000_000, 279_037), (20_000_000_000, 353_130),
        ]
        for (seconds, expected) in vectors {
            #expect(code.code(at: Date(timeIntervalSince1970: Double(seconds))) == expected, "at \(seconds) s")
        }
    }

    @Test func agreesWithAnotherImplementationAndItsURL() {
        let secret = "K7ZQ2M4XH9RTBW3NPD5C"
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        for step in -3...3 {
            let at = now.addingTimeInterval(Double(step * 30))
            #expect(TimeCode(secret: secret).code(at: at) == TOTP(secret: secret).compute(date: at))
        }
        #expect(
            TimeCode(secret: secret).authenticatorURL(label: "Triage:dora", issuer: "Triage")
                == TOTP(secret: secret).createAuthenticatorURL(label: "Triage:dora", issuer: "Triage"))
        #expect(TimeCode.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
    }
}
