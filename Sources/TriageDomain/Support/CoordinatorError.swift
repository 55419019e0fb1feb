/// Every failure the coordinator reports to a client. The HTTP layer maps ``Code`` to a status;
/// nothing below the HTTP edge knows about status codes.
public struct CoordinatorError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request could not be read at all (not JSON, bad query parameter, bad cursor).
        public static let badRequest = Code(rawValue: "bad_request")
        public static let malformedJSON = Code(rawValue: "malformed_json")
        /// Well-formed, but a field is missing, of the wrong type, unknown or out of range.
        public static let invalid = Code(rawValue: "invalid")
        public static let unauthorized = Code(rawValue: "unauthorized")
        public static let forbidden = Code(rawValue: "forbidden")
        public static let notFound = Code(rawValue: "not_found")
        /// The request is valid but the current state forbids it (a bad status transition,
        /// deleting a customer that still has sites).
        public static let conflict = Code(rawValue: "conflict")
        public static let tooLarge = Code(rawValue: "payload_too_large")
        /// The client did not send the whole request in time (408; the connection is closed).
        public static let requestTimeout = Code(rawValue: "request_timeout")
        public static let idempotencyKeyReused = Code(rawValue: "idempotency_key_reused")
        /// Too many failed attempts (sign-ins): wait, as the message says.
        public static let tooManyRequests = Code(rawValue: "too_many_requests")
        public static let methodNotAllowed = Code(rawValue: "method_not_allowed")
        public static let unsupportedMediaType = Code(rawValue: "unsupported_media_type")
        public static let configuration = Code(rawValue: "configuration")
        public static let storage = Code(rawValue: "storage")
        /// The database cannot be reached now (503: try again later, e.g. on another instance).
        public static let unavailable = Code(rawValue: "unavailable")
    }

    public let code: Code
    public let message: String
    /// For `invalid`: each field and what is wrong with it, so a form can say it next to the field.
    public private(set) var problems: [FieldProblem] = []

    public struct FieldProblem: Sendable, Equatable {
        public let field: String
        public let problem: String
    }

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    package static func notFound(_ what: String, _ id: Int) -> CoordinatorError {
        CoordinatorError(.notFound, "\(what) \(id) does not exist")
    }

    package static func invalid(_ field: String, _ problem: String) -> CoordinatorError {
        invalid([FieldProblem(field: field, problem: problem)])
    }

    /// Several fields at once: "a: …; b: …".
    package static func invalid(_ problems: [FieldProblem]) -> CoordinatorError {
        var error = CoordinatorError(.invalid, problems.map { "\($0.field): \($0.problem)" }.joined(separator: "; "))
        error.problems = problems
        return error
    }
}
