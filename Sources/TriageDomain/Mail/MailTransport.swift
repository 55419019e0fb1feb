/// Where outgoing mail goes; one call delivers one message to its envelope recipients.
///
/// `message` is the whole message as it goes on the wire (headers, blank line, body); line ends
/// may be LF or CRLF. `envelopeFrom` may be empty: the null sender of a bounce.
public protocol MailTransport: Sendable {
    /// Returns the recipients the server refused while it took the message for the others, each
    /// with its reply ("RCPT TO <x@y>: 550 5.1.1 no such user"); empty when all took it.
    @discardableResult
    func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) async throws(MailDeliveryError) -> [String]
}

/// Why a message was not delivered, and whether trying again later can help.
public enum MailDeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Try again later: 4xx replies, connection refused or reset, timeouts, TLS trouble an admin
    /// can fix, sendmail's exit 75 (EX_TEMPFAIL).
    case transient(String)
    /// Never: 5xx replies for the whole message, sendmail's other non-zero exits, an envelope
    /// SMTP cannot carry.
    case permanent(String)

    /// The reason in words, with the server's reply where there was one, e.g.
    /// "the server refused RCPT TO <x@y>: 550 5.1.1 no such user".
    public var description: String {
        switch self {
        case .transient(let reason), .permanent(let reason): reason
        }
    }

    public var isTransient: Bool {
        if case .transient = self { return true }
        return false
    }
}

/// The checks every transport makes on an envelope before it hands it on.
package enum MailEnvelope {
    /// Throws `.permanent` for no recipients, an empty recipient, or an address with a control
    /// character or an angle bracket: things no retry can fix, and that must never reach an SMTP
    /// command line or a sendmail argument as they are.
    package static func check(from: String, to recipients: [String]) throws(MailDeliveryError) {
        guard !recipients.isEmpty else { throw .permanent("the message has no recipients") }
        try checkAddress(from, role: "sender", allowEmpty: true)
        for recipient in recipients { try checkAddress(recipient, role: "recipient", allowEmpty: false) }
    }

    private static func checkAddress(_ address: String, role: String, allowEmpty: Bool) throws(MailDeliveryError) {
        if address.isEmpty {
            if allowEmpty { return }
            throw .permanent("an empty \(role) address")
        }
        let unfit = address.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }
        guard !unfit, address.utf8.count <= 320 else {
            throw .permanent("the \(role) address \(visible(address)) is not one SMTP can carry")
        }
    }

    /// An address for an error message: control characters escaped, long ones cut.
    package static func visible(_ address: String) -> String {
        let escaped = address.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        return "<" + (escaped.count > 100 ? String(escaped.prefix(100)) + "…" : escaped) + ">"
    }
}

extension Duration {
    /// "30 s", "1.5 s", "250 ms": a timeout in an error message.
    package var inWords: String {
        let (seconds, attoseconds) = components
        if seconds == 0 { return "\(attoseconds / 1_000_000_000_000_000) ms" }
        let tenths = attoseconds / 100_000_000_000_000_000
        return tenths == 0 ? "\(seconds) s" : "\(seconds).\(tenths) s"
    }
}
