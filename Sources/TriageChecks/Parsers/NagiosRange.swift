/// A threshold range in the Monitoring Plugins syntax: `10` (alert outside 0…10), `10:`
/// (below 10), `~:10` (above 10), `10:20` (outside 10…20), `@10:20` (inside 10…20).
/// Ends are inclusive: with `10`, both 0 and 10 are fine.
public struct NagiosRange: Sendable, Equatable, CustomStringConvertible {
    /// nil for -infinity (`~`).
    public var start: Double?
    /// nil for +infinity (nothing after the colon).
    public var end: Double?
    /// `@`: alert when the value is inside the range instead of outside.
    public var inside: Bool

    public init(start: Double?, end: Double?, inside: Bool = false) {
        self.start = start
        self.end = end
        self.inside = inside
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case notANumber(String)
        case startAfterEnd(String)

        public var description: String {
            switch self {
            case .empty: "empty range"
            case .notANumber(let text): "'\(text)' is not a number in a range"
            case .startAfterEnd(let text): "range '\(text)' starts after it ends"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        var body = Substring(text)
        inside = body.hasPrefix("@")
        if inside { body = body.dropFirst() }
        guard !body.isEmpty else { throw .empty }
        if let colon = body.firstIndex(of: ":") {
            let head = body[..<colon]
            let tail = body[body.index(after: colon)...]
            if head == "~" {
                start = nil
            } else if head.isEmpty {
                start = 0
            } else {
                guard let value = Double(head), value.isFinite else { throw .notANumber(String(head)) }
                start = value
            }
            if tail.isEmpty {
                end = nil
            } else {
                guard let value = Double(tail), value.isFinite else { throw .notANumber(String(tail)) }
                end = value
            }
        } else {
            guard let value = Double(body), value.isFinite else { throw .notANumber(String(body)) }
            start = 0
            end = value
        }
        if let start, let end, start > end { throw .startAfterEnd(text) }
    }

    /// True when `value` should raise an alert.
    public func alerts(_ value: Double) -> Bool {
        let within = (start.map { value >= $0 } ?? true) && (end.map { value <= $0 } ?? true)
        return inside ? within : !within
    }

    public var description: String {
        let head = start.map(Self.format) ?? "~"
        let body = start == 0 && end != nil ? Self.format(end!) : "\(head):\(end.map(Self.format) ?? "")"
        return (inside ? "@" : "") + body
    }

    /// "80" for whole numbers, "0.43" otherwise: how thresholds and values are printed.
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
