import Foundation

/// A value as the store keeps it: flat columns, with lists and maps as JSON text. The domain
/// describes its records this way so that storage can stay generic and SQL stays in Storage/.
public enum StoredValue: Sendable, Equatable {
    case int(Int?)
    case double(Double?)
    case text(String?)
    case bool(Bool)
    /// Milliseconds since 1970 UTC.
    case time(Date?)
    /// Any Codable value as JSON text.
    case json(String)

    package static func json<T: Encodable>(_ value: T) -> StoredValue {
        .json(String(decoding: (try? StoredJSON.encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self))
    }
}

/// One stored row, read column by column.
public protocol StoredRow {
    func int(_ column: String) throws -> Int?
    func double(_ column: String) throws -> Double?
    func text(_ column: String) throws -> String?
    func bool(_ column: String) throws -> Bool
    func time(_ column: String) throws -> Date?
}

extension StoredRow {
    package func required<T>(_ value: T?, _ column: String) throws -> T {
        guard let value else { throw CoordinatorError(.storage, "column \(column) is empty") }
        return value
    }

    package func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        let text = try required(try self.text(column), column)
        do {
            return try StoredJSON.decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw CoordinatorError(.storage, "column \(column) holds unreadable JSON: \(error)")
        }
    }
}

/// The kinds of inventory record; storage keeps each in its own table.
public enum RecordKind: String, Sendable, CaseIterable {
    case customer, contact, site, host, technician

    public var noun: String { rawValue }
}

/// Inventory fields that the store can keep: what a client sends on create and replace.
public protocol InventoryFields: Codable, Sendable {
    static var kind: RecordKind { get }
    var storedValues: [(String, StoredValue)] { get }
    init(stored row: any StoredRow) throws
    /// Checks ranges and formats that JSON types cannot express.
    func validate() throws
    /// Records this one refers to, which must exist: (kind, id, field name).
    var references: [(RecordKind, Int, String)] { get }
}

extension InventoryFields {
    public var references: [(RecordKind, Int, String)] { [] }
}

/// An inventory record as the API returns it: the fields, flattened, plus id and times.
public struct Record<Fields: InventoryFields>: Encodable, Sendable {
    public var id: Int
    public var fields: Fields
    public var createdAt: Date
    public var updatedAt: Date

    private enum Keys: String, CodingKey { case id, createdAt, updatedAt }

    public func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    package init(id: Int, fields: Fields, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

package enum StoredJSON {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()
    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    package static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension Date {
    /// Whole milliseconds since 1970: how times are stored.
    package var storedMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    package init(storedMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(storedMilliseconds) / 1000) }
}
