import Foundation
import TriageDomain

/// What Foundation's JSON parser lets through and the API must not: a key given twice in one
/// object (Foundation keeps one of them silently) and a NUL character in a string (SQLite would
/// store it and cut the text at it on every later read). Runs on bodies Foundation already
/// parsed, so the bytes are valid JSON; one pass, no allocation per value.
package enum JSONScan {
    private enum Frame {
        case object(keys: Set<String>, expectingKey: Bool)
        case array
    }

    package static func check(_ bytes: Data) throws {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in try check(raw.bindMemory(to: UInt8.self)) }
    }

    private static func check(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var stack: [Frame] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): stack.append(.object(keys: [], expectingKey: true))
            case UInt8(ascii: "["): stack.append(.array)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","):
                if case .object(let keys, _)? = stack.last { stack[stack.count - 1] = .object(keys: keys, expectingKey: true) }
            case UInt8(ascii: ":"):
                if case .object(let keys, _)? = stack.last { stack[stack.count - 1] = .object(keys: keys, expectingKey: false) }
            case UInt8(ascii: "\""):
                let start = index + 1
                var escaped = false
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") {
                        escaped = true
                        if isNulEscape(bytes, at: index) {
                            throw CoordinatorError(.invalid, "a NUL character (\\u0000) cannot be stored: remove it from the text")
                        }
                        index += 1
                    }
                    index += 1
                }
                if case .object(var keys, true)? = stack.last {
                    let key = decodeKey(bytes, start..<index, escaped: escaped)
                    guard keys.insert(key).inserted else {
                        throw CoordinatorError(.invalid, "the key \(key) appears twice in one object: send it once")
                    }
                    stack[stack.count - 1] = .object(keys: keys, expectingKey: true)
                }
            default: break
            }
            index += 1
        }
    }

    /// `\u0000` at `index` (the backslash), whatever the case of its hex digits.
    private static func isNulEscape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index + 5 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else { return false }
        return (index + 2...index + 5).allSatisfy { bytes[$0] == UInt8(ascii: "0") }
    }

    private static func decodeKey(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, escaped: Bool) -> String {
        let raw = String(decoding: bytes[range], as: UTF8.self)
        guard escaped, let data = "\"\(raw)\"".data(using: .utf8),
            let decoded = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? String
        else { return raw }
        return decoded
    }
}
