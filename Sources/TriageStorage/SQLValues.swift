import Foundation
import SQLKit
import TriageDomain

extension StoredValue {
    /// The value as a bind parameter, or NULL.
    var sql: any SQLExpression {
        switch self {
        case .int(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        case .double(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        case .text(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        case .bool(let value): SQLBind(value)
        case .time(let value): value.map { SQLBind($0.storedMilliseconds) } ?? SQLLiteral.null
        case .json(let value): SQLBind(value)
        }
    }
}

/// An SQLKit row read through the domain's column interface.
struct SQLStoredRow: StoredRow {
    let row: any SQLRow

    private func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
        do {
            return try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        } catch {
            throw CoordinatorError(.storage, "column \(column): \(error)")
        }
    }

    func int(_ column: String) throws -> Int? { try optional(column, Int.self) }
    func double(_ column: String) throws -> Double? { try optional(column, Double.self) }
    func text(_ column: String) throws -> String? { try optional(column, String.self) }
    func bool(_ column: String) throws -> Bool { try optional(column, Bool.self) ?? false }
    func time(_ column: String) throws -> Date? { try optional(column, Int64.self).map(Date.init(storedMilliseconds:)) }
}

extension Array {
    /// Consecutive slices of at most `size` elements: rows per statement under a bind limit.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
