import Foundation
import Hummingbird
import TriageDomain
import TriageEdge

/// An `application/x-www-form-urlencoded` body, as the board's forms post it, or
/// `multipart/form-data` from a form that carries files (the reply box).
struct WebForm {
    private var fields: [String: String] = [:]
    /// The files a multipart form carried.
    private(set) var files: [FileUpload] = []

    init(_ request: Request, limit: Int) async throws {
        let type = request.headers[.contentType] ?? ""
        var request = request
        if type.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = MultipartForm.boundary(type) else {
                throw CoordinatorError(.badRequest, "a multipart form needs its boundary")
            }
            let buffer = try await request.collectBody(upTo: .max)
            let parsed = try MultipartForm.parse(Array(buffer.readableBytesView), boundary: boundary)
            self.init(fields: parsed.fields, files: parsed.files)
            return
        }
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw CoordinatorError(.unsupportedMediaType, "the board's forms are sent as application/x-www-form-urlencoded")
        }
        let buffer = try await request.collectBody(upTo: limit)
        self.init(String(buffer: buffer))
    }

    private init(fields: [String: String], files: [FileUpload]) {
        self.fields = fields
        self.files = files
    }

    init(_ text: String) {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // A textarea's lines arrive CRLF: kept as LF, as the API and mail keep them.
            func decode(_ part: Substring) -> String {
                (String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part))
                    .replacingOccurrences(of: "\r\n", with: "\n")
            }
            guard let name = parts.first.map(decode), fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// Every field as sent, by name.
    var all: [String: String] { fields }

    func required(_ name: String) throws -> String {
        guard let value = fields[name] else { throw CoordinatorError.invalid(name, "the form sent no \(name)") }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { throw CoordinatorError.invalid(name, "must not be empty") }
        return value
    }

    func int(_ name: String) throws -> Int {
        guard let value = Int(try required(name)) else { throw CoordinatorError.invalid(name, "must be a whole number") }
        return value
    }

    /// A field that may be left empty: nil then.
    func text(_ name: String) -> String? {
        fields[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    func optionalInt(_ name: String) throws -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text) else { throw CoordinatorError.invalid(name, "must be a whole number") }
        return value
    }

    func role(_ name: String) throws -> Role {
        guard let role = Role(rawValue: try required(name)) else {
            throw CoordinatorError.invalid(name, "one of admin, dispatcher, technician")
        }
        return role
    }

    func date(_ name: String) throws -> Date {
        let text = try required(name)
        guard let date = JSONBody.parseDate(text) else { throw CoordinatorError.invalid(name, "'\(text)' is not an ISO-8601 time") }
        return date
    }

    /// Every form carries the session's CSRF token; a form without it, or with another
    /// session's, was not made by this board for this browser.
    func requireCSRF(_ expected: String) throws {
        guard let sent = fields["csrf"], constantTimeEqual(sent, expected) else {
            throw CoordinatorError(.forbidden, "the form's security token is missing or out of date: reload the page and try again")
        }
    }

    /// "a, b  c" → ["a", "b", "c"]
    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }

    /// Addresses as people paste them: "Anna <anna@x.example>; bob@y.example, c@z.example" → the three addresses.
    static func addresses(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }).flatMap { piece -> [String] in
            if let open = piece.lastIndex(of: "<"), let close = piece.lastIndex(of: ">"), open < close {
                return [String(piece[piece.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)]
            }
            return piece.split(whereSeparator: \.isWhitespace).map(String.init)
        }
    }
}

/// A refused form, to be shown again as it was filled in with each problem next to its field
/// (docs/board.md, "Forms"). Set around the page that shows it; the page's form builder reads it.
struct FormRetry: Sendable {
    /// Which form on the page: its id ("new-site", "edit-host-3", a ticket's "comments").
    let form: String
    let typed: [String: String]
    let problems: [CoordinatorError.FieldProblem]

    @TaskLocal static var current: FormRetry?

    /// The retry of `form`, if that is the form refused.
    static func of(_ form: String) -> FormRetry? { current?.form == form ? current : nil }

    /// What is wrong with `fields` (or a part of one: "shifts.weekday" is "shifts"), in one line.
    func problem(_ fields: String...) -> String? {
        let found = problems.filter { problem in fields.contains { problem.field == $0 || problem.field.hasPrefix($0 + ".") } }.map(
            \.problem)
        return found.isEmpty ? nil : found.joined(separator: "; ")
    }
}
