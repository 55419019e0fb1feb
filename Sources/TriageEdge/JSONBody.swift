import Foundation
import Hummingbird
import NIOCore
import TriageDomain
import TriageModel

/// A request body type whose field names are known, so unknown fields can be refused.
package protocol StrictInput: Decodable, Sendable {
    associatedtype Field: CodingKey, CaseIterable, RawRepresentable where Field.RawValue == String
    /// Fields where null means "clear it"; elsewhere null is refused rather than read as absent.
    static var nullableFields: Set<String> { get }
}

extension StrictInput {
    package static var fieldNames: Set<String> { Set(Field.allCases.map(\.rawValue)) }
    package static var nullableFields: Set<String> { [] }
}

extension CustomerFields: StrictInput { package typealias Field = CodingKeys }
extension SiteFields: StrictInput { package typealias Field = CodingKeys }
extension ContactFields: StrictInput { package typealias Field = CodingKeys }
extension HostFields: StrictInput { package typealias Field = CodingKeys }
extension TechnicianFields: StrictInput { package typealias Field = CodingKeys }
extension TicketInput: StrictInput { package typealias Field = CodingKeys }
extension CommentInput: StrictInput { package typealias Field = CodingKeys }
extension ReopenInput: StrictInput { package typealias Field = CodingKeys }
extension EscalationInput: StrictInput { package typealias Field = CodingKeys }
extension VendorCaseInput: StrictInput { package typealias Field = CodingKeys }
extension VisitBooking: StrictInput { package typealias Field = CodingKeys }
extension VisitStatusChange: StrictInput { package typealias Field = CodingKeys }
extension VisitReschedule: StrictInput { package typealias Field = CodingKeys }
extension DiagnosticReport: StrictInput {
    package enum Field: String, CodingKey, CaseIterable {
        case id, host, startedAt, durationMs, agentVersion, status, checks, recommendation, errors
    }
}
extension TicketPatch: StrictInput {
    package typealias Field = CodingKeys
    package static var nullableFields: Set<String> { ["assigneeId", "customerId", "hostId", "requesterId"] }
}

/// JSON in and out: camelCase, ISO-8601 UTC times with milliseconds. Unknown fields are
/// refused everywhere (422) so a typo never passes silently.
package enum JSONBody {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(InternetTime.format(date, milliseconds: true))
        }
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .internetTime
        return decoder
    }()

    /// ISO-8601 (RFC 3339) with or without fractional seconds.
    package static func parseDate(_ text: String) -> Date? { InternetTime.parse(text) }

    package static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        return response(data: data, status: status)
    }

    package static func response(data: Data, status: HTTPResponse.Status, location: String? = nil) -> Response {
        var headers: HTTPFields = data.isEmpty ? [:] : [.contentType: "application/json"]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads the whole body (up to the limit: 413 beyond it) and decodes it strictly.
    package static func decode<T: StrictInput>(_ type: T.Type, from request: Request, limit: Int) async throws
        -> (value: T, bytes: Data)
    {
        try requireJSON(request.headers[.contentType])
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = Data(buffer: buffer)
        return (try decode(T.self, from: bytes), bytes)
    }

    /// The body must be declared `application/json`, with no charset but UTF-8 (415 otherwise).
    package static func requireJSON(_ contentType: String?) throws {
        guard let contentType else {
            throw CoordinatorError(.unsupportedMediaType, "send the body as application/json: the request has no Content-Type")
        }
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let parameters = parts.dropFirst().filter { !$0.isEmpty }
        guard parts.first == "application/json",
            parameters.allSatisfy({ $0 == "charset=utf-8" || $0 == "charset=\"utf-8\"" })
        else {
            throw CoordinatorError(.unsupportedMediaType, "send the body as application/json in UTF-8, not \(contentType)")
        }
    }

    /// For actions that take no body: nothing, or an empty JSON object.
    package static func requireEmpty(_ request: Request, limit: Int) async throws {
        let text = String(buffer: try await request.body.collect(upTo: limit)).filter { !$0.isWhitespace }
        guard text.isEmpty || text == "{}" else {
            throw CoordinatorError(.invalid, "this request takes no body")
        }
    }

    package static func decode<T: StrictInput>(_ type: T.Type, from bytes: Data) throws -> T {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw CoordinatorError(.malformedJSON, "the request needs a JSON object as its body")
        }
        // Foundation would also read UTF-16 and UTF-32; JSON on the wire is UTF-8 (RFC 8259).
        if bytes.contains(0) || String(validating: bytes, as: UTF8.self) == nil {
            throw CoordinatorError(.malformedJSON, "the body is not UTF-8 JSON")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
        } catch {
            throw CoordinatorError(.malformedJSON, "the body is not valid JSON")
        }
        try JSONScan.check(bytes)
        guard let fields = object as? [String: Any] else {
            throw CoordinatorError(.invalid, "the body must be a JSON object")
        }
        let unknown = Set(fields.keys).subtracting(T.fieldNames).sorted()
        if !unknown.isEmpty {
            throw CoordinatorError(
                .invalid,
                "unknown field\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")); "
                    + "known: \(T.fieldNames.sorted().joined(separator: ", "))")
        }
        let nulls = fields.filter { $0.value is NSNull }.map(\.key).filter { !T.nullableFields.contains($0) }.sorted()
        if !nulls.isEmpty {
            throw CoordinatorError(.invalid, "\(nulls.joined(separator: ", ")): null is not a value here; leave the field out")
        }
        do {
            return try decoder.decode(T.self, from: bytes)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                // Foundation reports a fraction or overflow where an integer belongs without a path.
                let suspects = fields.compactMap { key, value -> String? in
                    guard let number = value as? NSNumber, !(value is Bool),
                        number.doubleValue != number.doubleValue.rounded() || abs(number.doubleValue) >= 9.2e18
                    else { return nil }
                    return "\(key): \(number) is not an integer in range"
                }
                if !suspects.isEmpty { throw CoordinatorError(.invalid, suspects.sorted().joined(separator: "; ")) }
                throw CoordinatorError(.invalid, "a number is not an integer in range where the API takes one")
            }
            throw CoordinatorError(.invalid, describe(error))
        }
    }

    package static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(jsonName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(jsonName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required"
        case .dataCorrupted(let context):
            // Foundation's words for a bad enum value: "Cannot initialize T from invalid String value x".
            if let range = context.debugDescription.range(of: "from invalid String value ") {
                return "\(path(context.codingPath)): '\(context.debugDescription[range.upperBound...])' is not one of the allowed values"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int?.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
