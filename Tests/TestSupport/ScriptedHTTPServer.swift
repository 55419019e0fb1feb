import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server on a loopback port that answers each request with the next of a list of
/// statuses (the last one repeats) and records what it received: for the faults a real
/// coordinator cannot produce on demand (503, 429, 413 …). One request per connection.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public struct Received: Sendable {
        public let requestLine: String
        public let headers: [String: String]
        public let body: [UInt8]
    }

    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var answers: [(status: Int, body: String)]
    private var log: [Received] = []

    public init(answers: [(status: Int, body: String)]) throws {
        self.answers = answers
        (fd, port) = try LoopbackSocket.listen(backlog: 16)
        Thread { [self] in serve() }.start()
    }

    deinit { stop() }

    /// Everything received so far, in order.
    public var received: [Received] { lock.withLock { log } }

    public func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { break }
            handle(client)
            close(client)
        }
        close(fd)
    }

    private func handle(_ client: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if let end = headerEnd, bytes.count >= end + contentLength { break }
            let n = recv(client, &buffer, buffer.count, 0)
            guard n > 0 else { return }
            bytes += buffer[0..<n]
            if headerEnd == nil, let range = bytes.firstRange(of: Array("\r\n\r\n".utf8)) {
                headerEnd = range.upperBound
                let head = String(decoding: bytes[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        let end = headerEnd ?? bytes.count
        let lines = String(decoding: bytes[..<max(0, end - 4)], as: UTF8.self).split(separator: "\r\n").map(String.init)
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1] }
        }
        let answer: (status: Int, body: String) = lock.withLock {
            log.append(Received(requestLine: lines.first ?? "", headers: headers, body: Array(bytes[end...])))
            return answers.count > 1 ? answers.removeFirst() : answers[0]
        }
        let body = Array(answer.body.utf8)
        let head =
            "HTTP/1.1 \(answer.status) Scripted\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let reply = Array(head.utf8) + body
        _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
