import Foundation

/// An optional field written as `null` when empty, where the history has always shown the key
/// (Codable leaves an empty optional out). Reads a missing key as empty too.
@propertyWrapper
public struct ExplicitNull<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    public func decode<V>(_ type: ExplicitNull<V>.Type, forKey key: Key) throws -> ExplicitNull<V> {
        try decodeIfPresent(type, forKey: key) ?? ExplicitNull(wrappedValue: nil)
    }
}

/// A value before and after a change: `{"from": …, "to": …}`. An optional value shows `null`.
public struct Change<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var from: Value
    public var to: Value

    public init(from: Value, to: Value) {
        self.from = from
        self.to = to
    }
}

/// The JSON of history payloads: times as ISO-8601 text, as everywhere in the API.
package enum HistoryJSON {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.internetTime)
        }
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .internetTime
        return decoder
    }()

    package static func value<T: Encodable>(_ payload: T) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(payload))
    }

    package static func payload<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try decoder.decode(T.self, from: try JSONEncoder().encode(value))
    }
}
