/// Where a request goes, from its URL: `http` or `https`, the host (an IPv6 address without its
/// brackets), the port and the path with its query.
struct HTTPTarget: Equatable {
    let secure: Bool
    let host: String
    let port: Int
    /// The request target: the path and query, "/" at least.
    let path: String

    /// The Host header: the host as written in the URL, with the port when it is not the scheme's own.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
    }

    init(_ url: String) throws(HTTPClientError) {
        func refuse(_ why: String) -> HTTPClientError { HTTPClientError(.failed, "'\(url)' is not a URL the agent can use: \(why)") }
        let rest: Substring
        if url.hasPrefix("http://") {
            (secure, rest) = (false, url.dropFirst(7))
        } else if url.hasPrefix("https://") {
            (secure, rest) = (true, url.dropFirst(8))
        } else {
            throw refuse("only http and https are supported")
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...].prefix { $0 != "#" })
        if !target.hasPrefix("/") { target = "/" + target }
        path = target
        guard !authority.contains("@") else { throw refuse("credentials in the URL are not supported") }
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw refuse("an IPv6 address needs its closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw refuse("unexpected text after the address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty, host.allSatisfy({ !$0.isWhitespace }) else { throw refuse("no host") }
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else { throw refuse("the port must be 1–65535") }
            port = number
        } else {
            port = secure ? 443 : 80
        }
    }
}
