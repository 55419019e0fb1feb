/// One HTTP request: what `HTTPClient.send` takes.
public struct HTTPRequest: Sendable {
    public var method: String
    /// An absolute `http://` or `https://` URL.
    public var url: String
    /// Sent as given, in order; `Content-Type` among them when there is a body.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange — connecting, sending, waiting, reading — ends within this.
    public var timeout: Duration

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// What the server answered: any status (a 4xx or 5xx is an answer, not an error) and the body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Why a request got no answer. A cancelled request throws `CancellationError` instead.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: Sendable, Equatable {
        /// Name resolution or the TCP connection failed.
        case cannotConnect
        /// No complete answer within the request's timeout.
        case timedOut
        /// The TLS handshake failed: most often a certificate not signed by a trusted authority,
        /// or issued for another name.
        case tls
        /// The answer's body was longer than the client keeps.
        case tooLarge
        /// Anything else the transfer reported (a bad URL, a connection closed mid-answer, …).
        case failed
    }

    public let code: Code
    /// What went wrong, in words (OpenSSL's too, for TLS).
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
