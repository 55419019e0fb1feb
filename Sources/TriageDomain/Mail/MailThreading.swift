import Crypto
import Foundation

/// How a message finds its ticket, and how mail is told apart from people (docs/mail.md,
/// "Threading"). Pure: our Message-IDs and plus-addresses carry an HMAC under the instances'
/// shared mail key, so a forged one does not thread.
package struct MailThreading: Sendable {
    package let key: SymmetricKey
    /// The desk's address (`support@example.com`).
    package let address: String

    package var domain: String { address.split(separator: "@").last.map(String.init) ?? "triage.invalid" }
    private var localPart: String { address.split(separator: "@").first.map(String.init) ?? "support" }

    private func signature(_ text: String, length: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).prefix(length / 2)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A new Message-ID for a message about `ticket` (without angle brackets).
    package func messageId(
        ticket: Int, nonce: String = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16).description
    ) -> String {
        "triage.\(ticket).\(nonce).\(signature("\(ticket).\(nonce)", length: 16))@\(domain)"
    }

    /// The ticket one of our own Message-IDs names; nil for another's or a forged one.
    package func ticket(fromMessageId id: String) -> Int? {
        let local = id.split(separator: "@", maxSplits: 1).first.map(String.init) ?? ""
        let parts = local.split(separator: ".")
        guard parts.count == 4, parts[0] == "triage", let ticket = Int(parts[1]) else { return nil }
        return signature("\(ticket).\(parts[2])", length: 16) == parts[3] ? ticket : nil
    }

    /// The address replies about `ticket` go to: `support+t42.1a2b3c4d5e6f@example.com`.
    package func replyAddress(ticket: Int) -> String { "\(localPart)+t\(ticket).\(signature("t\(ticket)", length: 12))@\(domain)" }

    /// The ticket a signed plus-address names.
    package func ticket(fromAddress address: String) -> Int? {
        guard let at = address.lastIndex(of: "@"), let plus = address[..<at].firstIndex(of: "+") else { return nil }
        let tag = address[address.index(after: plus)..<at].lowercased()
        let parts = tag.split(separator: ".")
        guard parts.count == 2, parts[0].hasPrefix("t"), let ticket = Int(parts[0].dropFirst()) else { return nil }
        return signature("t\(ticket)", length: 12) == parts[1] ? ticket : nil
    }

    /// `[Triage #42]`, put in every subject we send.
    package static func subjectTag(_ ticket: Int) -> String { "[Triage #\(ticket)]" }

    /// The ticket a subject's tag names; trusted only when its sender is one of the ticket's customer's contacts.
    package static func ticket(fromSubject subject: String) -> Int? {
        guard let range = subject.range(of: "[Triage #", options: .caseInsensitive) else { return nil }
        let digits = subject[range.upperBound...].prefix { $0.isNumber }
        guard !digits.isEmpty, subject[range.upperBound...].dropFirst(digits.count).first == "]" else { return nil }
        return Int(digits)
    }

    /// The subject of a reply: the ticket's title with its tag, once.
    package static func replySubject(_ title: String, ticket: Int) -> String {
        let tag = subjectTag(ticket)
        return title.contains(tag) ? title : "Re: \(title) \(tag)"
    }

    /// Why a message is automatic (never answered, never opens or reopens a ticket), or nil for a person's mail.
    package static func automatic(_ message: MailMessage, envelopeSender: String?, ownAddress: String?) -> String? {
        if let value = message.header("Auto-Submitted")?.trimmingCharacters(in: .whitespaces).lowercased(),
            !value.isEmpty, !value.hasPrefix("no")
        {
            return "Auto-Submitted: \(value)"
        }
        if let precedence = message.header("Precedence")?.trimmingCharacters(in: .whitespaces).lowercased(),
            ["bulk", "junk", "list"].contains(precedence)
        {
            return "Precedence: \(precedence)"
        }
        if message.deliveryReport != nil { return "a delivery status notification" }
        if message.header("X-Auto-Response-Suppress") != nil { return "X-Auto-Response-Suppress" }
        if message.header("List-Id") != nil { return "a mailing list (List-Id)" }
        if let sender = envelopeSender ?? message.header("Return-Path"),
            sender.trimmingCharacters(in: .whitespaces) == "<>" || sender.isEmpty
        {
            return "an empty Return-Path"
        }
        if let own = ownAddress, let from = message.from?.address, isOwn(from, desk: own) {
            return "sent by Triage itself"
        }
        return nil
    }

    /// The desk's own address or one of its plus-addresses (`support+…@`).
    package static func isOwn(_ address: String, desk: String) -> Bool {
        let (lower, own) = (address.lowercased(), desk.lowercased())
        guard lower != own else { return true }
        guard let local = own.split(separator: "@").first, let domain = own.split(separator: "@").last else { return false }
        return lower.hasPrefix(local + "+") && lower.hasSuffix("@" + domain)
    }

    /// The Message-IDs a message refers to, nearest first: In-Reply-To, then References from the
    /// last; for a bounce, the returned message's own id too.
    package static func referencedIds(_ message: MailMessage) -> [String] {
        var ids = message.inReplyTo + message.references.reversed()
        for part in message.attachments where part.contentType == "message/rfc822" || part.contentType == "text/rfc822-headers" {
            if let returned = try? MailParser.parse(part.data), let id = returned.messageId { ids.append(id) }
        }
        return ids
    }
}

extension MailThreading {
    /// Our signed Message-IDs anywhere in a raw message (a bounce quotes the message it returns,
    /// in whatever part shape the reporting MTA chose): the tickets they name, verified.
    package func tickets(quotedIn raw: [UInt8]) -> [Int] {
        let text = String(decoding: raw.prefix(1 << 20), as: UTF8.self)
        var found: [Int] = []
        var rest = text[...]
        while let start = rest.range(of: "triage.") {
            let candidate = rest[start.lowerBound...].prefix { !"<> \r\n\t\"'".contains($0) }
            if let ticket = ticket(fromMessageId: String(candidate)), !found.contains(ticket) { found.append(ticket) }
            rest = rest[start.upperBound...]
        }
        return found
    }
}
