import Foundation
import Hummingbird
import TriageDomain

/// Query and path parameters, checked: a bad value is a 400 that names the parameter.
package struct Query {
    package let parameters: [String: [String]]

    package init(_ request: Request) { self.init(query: request.uri.query ?? "") }

    /// A query string as a URL carries it (`a=1&b=two+words`).
    package init(query: String) {
        var parameters: [String: [String]] = [:]
        for (name, value) in Self.pairs(query) {
            parameters[name, default: []].append(value)
        }
        self.parameters = parameters
    }

    /// The query's name–value pairs in order, decoded as browsers encode forms
    /// (application/x-www-form-urlencoded: `+` is a space, then percent-escapes), which also
    /// reads what clients send with `%20`. A bad escape is kept as typed.
    package static func pairs(_ query: String) -> [(String, String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    package static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    package func string(_ name: String) -> String? { parameters[name]?.last }

    /// For machines' routes: a parameter the route does not take is a typo to report, not to ignore.
    package func refuseUnknown(_ known: Set<String>) throws {
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw CoordinatorError(
                .badRequest,
                "unknown query parameter '\(unknown)' (this route takes: "
                    + (known.isEmpty ? "none" : known.sorted().joined(separator: ", ")) + ")")
        }
    }

    /// Free text (a search): control characters are refused, a NUL would end the text early.
    package func text(_ name: String) throws -> String? {
        guard let text = string(name) else { return nil }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw CoordinatorError(.badRequest, "\(name) must not contain control characters")
        }
        return text
    }

    package func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw CoordinatorError(.badRequest, "\(name) must be an integer \(range.lowerBound)…\(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// An ISO-8601 date-time.
    package func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = JSONBody.parseDate(text) else {
            throw CoordinatorError(.badRequest, "\(name) must be an ISO-8601 date-time such as 2026-05-04T09:00:00Z, not '\(text)'")
        }
        return date
    }

    package func bool(_ name: String) throws -> Bool? {
        switch string(name) {
        case nil: return nil
        case "true": return true
        case "false": return false
        case let text?: throw CoordinatorError(.badRequest, "\(name) must be true or false, not '\(text)'")
        }
    }

    /// Values given as `name=a,b` or `name=a&name=b`.
    package func list(_ name: String) -> [String] {
        (parameters[name] ?? []).flatMap { $0.split(separator: ",").map(String.init) }
    }

    package var limit: Int { get throws { try int("limit", 1...200) ?? 50 } }

    /// An empty cursor is the first page, as an absent one.
    package var cursor: Int? { get throws { try string("cursor").flatMap { $0.isEmpty ? nil : try Cursor.decode($0) } } }

    package static func uuid(_ context: TriageRequestContext, _ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw CoordinatorError(.badRequest, "\(name) in the path must be a UUID")
        }
        return id
    }

    /// A file's SHA-256 in the path: 64 lower-case hex digits.
    package static func sha256(_ context: TriageRequestContext) throws -> String {
        guard let text = context.parameters.get("sha256"), text.count == 64, text.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw CoordinatorError(.badRequest, "sha256 in the path must be 64 lower-case hex digits")
        }
        return text
    }

    package static func id(_ context: TriageRequestContext, _ name: String = "id") throws -> Int {
        guard let text = context.parameters.get(name), let id = Int(text), id > 0 else {
            throw CoordinatorError(.badRequest, "\(name) in the path must be a positive integer")
        }
        return id
    }
}
