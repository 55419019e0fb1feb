import Testing

@testable import TriageHTTP

/// The response parser on answers split at every byte: framing by length, chunks and the end of
/// the connection; interim answers; what is not HTTP.
@Suite struct ResponseParserTests {
    /// Feeds `text` in pieces of `size` bytes; the response once it is whole (at the end of the
    /// connection, when `closes`).
    func parse(_ text: String, pieces size: Int, closes: Bool = false, maxBody: Int = 1 << 20) throws -> HTTPResponse? {
        var parser = ResponseParser(maxBody: maxBody)
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let piece = bytes[index..<min(index + size, bytes.count)]
            if case .complete(let response) = try parser.feed(piece) { return response }
            index += size
        }
        return closes ? try parser.end() : nil
    }

    static let answers: [(String, HTTPResponse)] = [
        (
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"id\": 42}\n",
            HTTPResponse(status: 201, body: Array("{\"id\": 42}\n".utf8))
        ),
        ("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n", HTTPResponse(status: 204, body: [])),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: y\r\n\r\n",
            HTTPResponse(status: 200, body: Array("hello, world".utf8))
        ),
        (
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\nno",
            HTTPResponse(status: 409, body: Array("no".utf8))
        ),
        ("HTTP/1.1 200 OK\r\ncontent-length:  0 \r\n\r\n", HTTPResponse(status: 200, body: [])),
    ]

    @Test(arguments: 1...9)
    func framedAnswersAreWholeWithoutTheEndOfTheConnection(_ size: Int) throws {
        for (text, expected) in Self.answers {
            #expect(try parse(text, pieces: size) == expected, "\(text.debugDescription)")
        }
    }

    @Test func anAnswerWithoutLengthRunsToTheEndOfTheConnection() throws {
        let text = "HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<HTML>s_server</HTML>\r\n"
        #expect(try parse(text, pieces: 3) == nil)
        #expect(try parse(text, pieces: 3, closes: true) == HTTPResponse(status: 200, body: Array("<HTML>s_server</HTML>\r\n".utf8)))
    }

    @Test func brokenAnswersSayWhat() throws {
        func failure(_ text: String, closes: Bool = true, maxBody: Int = 1 << 20) -> HTTPClientError? {
            do { _ = try parse(text, pieces: 4, closes: closes, maxBody: maxBody) } catch let error as HTTPClientError {
                return error
            } catch {}
            return nil
        }
        #expect(failure("SSH-2.0-OpenSSH_9.2\r\n\r\n")?.message == "the answer is not HTTP: 'SSH-2.0-OpenSSH_9.2'")
        #expect(failure("")?.message == "the server closed the connection without answering")
        #expect(
            failure("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")?.message
                == "the server closed the connection in the middle of its answer")
        #expect(
            failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")?.message.hasPrefix("a chunk of the answer has no size")
                == true)
        #expect(failure("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", closes: false, maxBody: 1000)?.code == .tooLarge)
        #expect(failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n", closes: false, maxBody: 1000)?.code == .tooLarge)
        #expect(
            failure("HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 4000), closes: false)?.message
                == "the answer's headers go on past 64 KiB")
    }
}
