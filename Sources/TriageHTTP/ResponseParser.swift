/// An HTTP/1.1 response read as its bytes arrive: the status line, the headers, and a body framed
/// by Content-Length, by chunked transfer coding, or by the end of the connection. Interim 1xx
/// responses are skipped. Pure: fed bytes, it says whether the answer is whole; tested without I/O.
struct ResponseParser {
    enum Outcome: Equatable {
        /// More bytes are needed (or the end of the connection, for a body it delimits).
        case incomplete
        case complete(HTTPResponse)
    }

    private enum Framing {
        case length(Int)
        case chunked, untilClose, none
    }
    private enum State {
        case head
        case body(Framing)
        case chunkSize
        case chunkData(Int)
        case chunkDataEnd, trailers, done
    }

    private let maxBody: Int
    private var buffer: [UInt8] = []
    private var state = State.head
    private var status = 0
    private var body: [UInt8] = []
    /// Bytes of the head seen so far (bounded: a server that never ends its headers is refused).
    private static let maxHead = 64 << 10

    init(maxBody: Int) { self.maxBody = maxBody }

    /// Takes the next bytes; throws when they are not an HTTP answer or the body is too long.
    mutating func feed(_ bytes: some Collection<UInt8>) throws(HTTPClientError) -> Outcome {
        buffer += bytes
        while true {
            switch state {
            case .head:
                guard let end = find([13, 10, 13, 10]) else {
                    if buffer.count > Self.maxHead { throw HTTPClientError(.failed, "the answer's headers go on past 64 KiB") }
                    return .incomplete
                }
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                let framing = try parseHead(head)
                if (100..<200).contains(status) { continue }  // 100 Continue and the like: the real answer follows
                state = .body(framing)
            case .body(.length(let length)):
                guard length <= maxBody else { throw tooLarge() }
                guard buffer.count >= length else { return .incomplete }
                body = Array(buffer[..<length])
                return finish()
            case .body(.none):
                return finish()
            case .body(.untilClose):
                guard buffer.count <= maxBody else { throw tooLarge() }
                return .incomplete
            case .body(.chunked), .chunkSize:
                guard let end = find([13, 10]) else { return .incomplete }
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                let sizeText = line.prefix { $0 != ";" }.trimmingSpaces
                guard let size = Int(sizeText, radix: 16), size >= 0 else {
                    throw HTTPClientError(.failed, "a chunk of the answer has no size ('\(line.prefix(40))')")
                }
                guard body.count + size <= maxBody else { throw tooLarge() }
                state = size == 0 ? .trailers : .chunkData(size)
            case .chunkData(let size):
                guard buffer.count >= size else { return .incomplete }
                body += buffer[..<size]
                buffer.removeFirst(size)
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard buffer.count >= 2 else { return .incomplete }
                guard buffer[0] == 13, buffer[1] == 10 else {
                    throw HTTPClientError(.failed, "a chunk of the answer does not end with CRLF")
                }
                buffer.removeFirst(2)
                state = .chunkSize
            case .trailers:
                guard let end = find([13, 10]) else { return .incomplete }
                buffer.removeFirst(end + 2)
                if end == 0 { return finish() }  // the empty line after the (usually absent) trailers
            case .done:
                return .complete(HTTPResponse(status: status, body: body))
            }
        }
    }

    /// The connection ended: the answer is whole if its body runs to the end of the connection.
    mutating func end() throws(HTTPClientError) -> HTTPResponse {
        switch state {
        case .done: return HTTPResponse(status: status, body: body)
        case .body(.untilClose):
            body = buffer
            _ = finish()
            return HTTPResponse(status: status, body: body)
        case .head where buffer.isEmpty && status == 0:
            throw HTTPClientError(.failed, "the server closed the connection without answering")
        default:
            throw HTTPClientError(.failed, "the server closed the connection in the middle of its answer")
        }
    }

    private mutating func parseHead(_ head: String) throws(HTTPClientError) -> Framing {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.first ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
            throw HTTPClientError(.failed, "the answer is not HTTP: '\(statusLine.prefix(60))'")
        }
        status = code
        var length: Int?
        var chunked = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" {
                guard let number = Int(value), number >= 0 else {
                    throw HTTPClientError(.failed, "the answer's Content-Length is not a number")
                }
                length = number
            } else if name == "transfer-encoding" {
                chunked = value.lowercased().hasSuffix("chunked")
            }
        }
        if code == 204 || code == 304 || (100..<200).contains(code) { return .none }
        if chunked { return .chunked }
        if let length { return length == 0 ? .none : .length(length) }
        return .untilClose
    }

    private mutating func finish() -> Outcome {
        state = .done
        return .complete(HTTPResponse(status: status, body: body))
    }

    private func tooLarge() -> HTTPClientError { HTTPClientError(.tooLarge, "the answer is longer than \(maxBody) bytes") }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for start in 0...(buffer.count - pattern.count) where buffer[start] == pattern[0] {
            if buffer[start..<start + pattern.count].elementsEqual(pattern) { return start }
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (header values, chunk sizes).
    var trimmingSpaces: String {
        let blank = { (c: Character) in c == " " || c == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[first...last])
    }
}
