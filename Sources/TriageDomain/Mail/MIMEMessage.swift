import Foundation

/// One mailbox: an optional display name (RFC 2047 decoded) and the address (domain lowercased,
/// local part as written).
public struct MailAddress: Sendable, Equatable, Codable {
    public var name: String?
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}

/// An attachment: its file name (decoded), its media type (`type/subtype`, lowercased) and its
/// bytes with the transfer encoding undone.
public struct MailPart: Sendable, Equatable {
    public var filename: String
    public var contentType: String
    public var data: [UInt8]

    public init(filename: String, contentType: String, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// One recipient's fields of an RFC 3464 delivery status notification.
public struct DeliveryStatus: Sendable, Equatable {
    /// The address of `Final-Recipient` (or `Original-Recipient`), without its address type.
    public var recipient: String
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded` (lowercased).
    public var action: String?
    /// The status code, e.g. `5.1.1`.
    public var status: String?

    public init(recipient: String, action: String? = nil, status: String? = nil) {
        self.recipient = recipient
        self.action = action
        self.status = status
    }
}

/// Why bytes are not a mail at all (anything less is parsed best-effort into `problems`).
public struct MailParseError: Error, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// A received mail as `MailParser` reads it.
public struct MailMessage: Sendable {
    /// The header fields, unfolded, in their order, values raw (not RFC 2047 decoded).
    public var headers: [(name: String, value: String)]
    /// RFC 2047 decoded, whitespace collapsed.
    public var subject: String
    public var from: MailAddress?
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var replyTo: [MailAddress]
    /// Without `<` `>`.
    public var messageId: String?
    public var inReplyTo: [String]
    public var references: [String]
    /// The `Date` header, nil when missing or unparsable.
    public var date: Date?
    /// The plain-text body (text/plain preferred, else the HTML converted to text); "" when none.
    public var text: String
    /// `text` came from HTML.
    public var htmlOnly: Bool
    public var attachments: [MailPart]
    /// Set for a `multipart/report; report-type=delivery-status` (RFC 3464).
    public var deliveryReport: [DeliveryStatus]?
    /// What was wrong but survived.
    public var problems: [String]

    public init(
        headers: [(name: String, value: String)] = [], subject: String = "", from: MailAddress? = nil,
        to: [MailAddress] = [], cc: [MailAddress] = [], replyTo: [MailAddress] = [], messageId: String? = nil,
        inReplyTo: [String] = [], references: [String] = [], date: Date? = nil, text: String = "",
        htmlOnly: Bool = false, attachments: [MailPart] = [], deliveryReport: [DeliveryStatus]? = nil,
        problems: [String] = []
    ) {
        self.headers = headers
        self.subject = subject
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.messageId = messageId
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.text = text
        self.htmlOnly = htmlOnly
        self.attachments = attachments
        self.deliveryReport = deliveryReport
        self.problems = problems
    }

    /// The first header field of that name (case-insensitive), raw.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every header field of that name (case-insensitive), raw, in order.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }
}

extension String {
    /// ASCII case-insensitive equality (header and parameter names are ASCII).
    package func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
            let ly = (y >= 0x41 && y <= 0x5A) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }
}
