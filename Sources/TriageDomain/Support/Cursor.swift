import Foundation

/// Where the next page starts: an opaque token around the last id of the page.
public enum Cursor {
    public static func encode(_ id: Int) -> String {
        Data("v1:\(id)".utf8).base64URL
    }

    /// A position in a list ordered by time, then by a key (health reports: received, report id).
    public static func encode(time: Date, key: String) -> String {
        Data("v1:\(time.storedMilliseconds):\(key)".utf8).base64URL
    }

    public static func decodeTimeAndKey(_ text: String) throws -> (time: Date, key: String) {
        let parts = try plain(text).split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let millis = Int64(parts[1]) else {
            throw CoordinatorError(.badRequest, "cursor '\(text)' is not one this server gave out")
        }
        return (Date(storedMilliseconds: millis), parts[2])
    }

    private static func plain(_ text: String) throws -> String {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            throw CoordinatorError(.badRequest, "cursor '\(text)' is not one this server gave out")
        }
        return plain
    }

    public static func decode(_ text: String) throws -> Int {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8),
            plain.hasPrefix("v1:"), let id = Int(plain.dropFirst(3)), id > 0
        else { throw CoordinatorError(.badRequest, "cursor '\(text)' is not one this server gave out") }
        return id
    }
}
