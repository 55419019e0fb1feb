import NIOCore
import TriageDomain

/// One reply of an SMTP server: its code and the text of each of its lines.
struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    let code: Int
    /// The text after "250-" or "250 " of each line, in order.
    let lines: [String]

    var isPositive: Bool { (200..<400).contains(code) }

    /// "550 5.1.1 no such user": the code and the lines' text, for an error message.
    var description: String {
        let text = lines.map { $0.trimmingWhitespace }.filter { !$0.isEmpty }.joined(separator: " ")
        let cut = text.count > 400 ? String(text.prefix(400)) + "…" : text
        return cut.isEmpty ? "\(code)" : "\(code) \(cut)"
    }

    /// The error for a reply that is not the one the step needed: 4xx is transient, 5xx is
    /// permanent; anything else breaks the protocol, which an admin can look into while mail waits.
    func refusal(of step: String) -> MailDeliveryError {
        switch code {
        case 400..<500: .transient("the server refused \(step): \(self)")
        case 500..<600: .permanent("the server refused \(step): \(self)")
        default: .transient("the server answered \(step) with an unexpected reply: \(self)")
        }
    }
}

/// The server sent something that is not SMTP.
struct SMTPProtocolError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the server's EHLO reply offers: keyword (upper case) → its parameters.
struct SMTPExtensions: Sendable, Equatable {
    private(set) var keywords: [String: [String]] = [:]

    init() {}

    /// From an EHLO reply: its first line greets, each further line names one extension.
    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first else { continue }
            keywords[keyword.uppercased()] = Array(words.dropFirst())
        }
    }

    func offers(_ keyword: String) -> Bool { keywords[keyword] != nil }

    /// The AUTH mechanisms, upper case.
    var authMechanisms: [String] { (keywords["AUTH"] ?? []).map { $0.uppercased() } }

    /// SIZE's limit in bytes: nil without SIZE, 0 when the server names no limit.
    var sizeLimit: Int? {
        guard let parameters = keywords["SIZE"] else { return nil }
        return parameters.first.flatMap { Int($0) } ?? 0
    }
}

/// Splits the server's bytes into lines and lines into replies ("250-..." continues a reply,
/// "250 ..." ends it). Bounded: a line over 4 KiB or a reply over 256 lines is an error.
struct SMTPReplyParser {
    static let maximumLineLength = 4096
    static let maximumLines = 256

    private var line: [UInt8] = []
    private var code: Int?
    private var texts: [String] = []

    /// No part of a reply is waiting for its rest.
    var isIdle: Bool { line.isEmpty && texts.isEmpty }

    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws(SMTPProtocolError) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if let reply = try take() { replies.append(reply) }
                line.removeAll(keepingCapacity: true)
            } else {
                guard line.count < Self.maximumLineLength else {
                    throw SMTPProtocolError("a reply line longer than \(Self.maximumLineLength) bytes")
                }
                line.append(byte)
            }
        }
        return replies
    }

    /// The line just ended: the reply it completes, if it does.
    private mutating func take() throws(SMTPProtocolError) -> SMTPReply? {
        var bytes = line[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        let digits = bytes.prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let code = Int(String(decoding: digits, as: UTF8.self)), (200..<600).contains(code)
        else { throw SMTPProtocolError("not an SMTP reply: \(Self.visible(bytes))") }
        let separator = bytes.dropFirst(3).first ?? UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw SMTPProtocolError("not an SMTP reply: \(Self.visible(bytes))")
        }
        if let expected = self.code, expected != code {
            throw SMTPProtocolError("a reply of several lines changed its code from \(expected) to \(code)")
        }
        texts.append(String(decoding: bytes.dropFirst(4), as: UTF8.self))
        if separator == UInt8(ascii: "-") {
            guard texts.count < Self.maximumLines else { throw SMTPProtocolError("a reply of more than \(Self.maximumLines) lines") }
            self.code = code
            return nil
        }
        defer { (self.code, texts) = (nil, []) }
        return SMTPReply(code: code, lines: texts)
    }

    private static func visible(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(80), as: UTF8.self).unicodeScalars
            .map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        return "\"\(text)\(bytes.count > 80 ? "…" : "")\""
    }
}

/// The last handler of an SMTP channel: hands each complete reply to the stream the session
/// reads, and ends that stream with the error or the close that ends the connection.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var parser = SMTPReplyParser()
    private let replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation
    /// How many replies went into the stream.
    private(set) var delivered = 0
    /// No part of a reply is waiting for its rest (STARTTLS checks nothing was smuggled in behind its 220).
    var isIdle: Bool { parser.isIdle }

    init(replies: AsyncThrowingStream<SMTPReply, any Error>.Continuation) {
        self.replies = replies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        do {
            for reply in try parser.feed(buffer.readableBytesView) {
                delivered += 1
                if case .dropped = replies.yield(reply) {
                    // Nobody asked for that many: the server talks past the protocol.
                    throw SMTPProtocolError("the server sent replies to commands it was not sent")
                }
            }
        } catch {
            replies.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.finish(throwing: error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.finish()
        context.fireChannelInactive()
    }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
