/// A YAML document as a tree, every node with the line it starts on, so that a configuration
/// or a manifest can name the line of each problem.
///
/// Scalars keep their text; `int`, `float` and `bool` read a plain (unquoted, untagged) scalar
/// the way YAML 1.1 does (`0x1F`, `1_000`, `yes`/`no`/`on`/`off`), so `port: "22"` stays text.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        case scalar(Scalar)
        case mapping(Mapping)
        case sequence([YAMLNode])
    }

    /// A scalar's text, and whether it was written plain (neither quoted nor tagged).
    public struct Scalar: Sendable, Equatable {
        public let string: String
        public let isPlain: Bool

        public init(_ string: String, isPlain: Bool = true) {
            self.string = string
            self.isPlain = isPlain
        }
    }

    /// Where a node starts: 1-based line and column.
    public struct Mark: Sendable, Equatable {
        public let line: Int
        public let column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// Key–value pairs in document order; `subscript` finds a key by its text.
    public struct Mapping: Sendable, Sequence {
        public let pairs: [(key: YAMLNode, value: YAMLNode)]
        public let mark: Mark

        public subscript(key: String) -> YAMLNode? {
            pairs.first { $0.key.scalar?.string == key }?.value
        }

        public var keys: [YAMLNode] { pairs.map(\.key) }

        public func makeIterator() -> IndexingIterator<[(key: YAMLNode, value: YAMLNode)]> { pairs.makeIterator() }
    }

    public let value: Value
    public let mark: Mark

    public init(_ value: Value, mark: Mark) {
        self.value = value
        self.mark = mark
    }

    public var scalar: Scalar? {
        if case .scalar(let scalar) = value { return scalar }
        return nil
    }

    public var mapping: Mapping? {
        if case .mapping(let mapping) = value { return mapping }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// A plain scalar as a whole number: decimal, `0x`, `0o`, `0b`, a leading `0` for octal, `_` between digits.
    public var int: Int? {
        guard let scalar, scalar.isPlain else { return nil }
        var text = Substring(scalar.string.filter { $0 != "_" })
        let negative = text.hasPrefix("-")
        if negative || text.hasPrefix("+") { text = text.dropFirst() }
        guard !text.isEmpty else { return nil }
        let radix: Int
        if text.hasPrefix("0x") {
            radix = 16
            text = text.dropFirst(2)
        } else if text.hasPrefix("0o") {
            radix = 8
            text = text.dropFirst(2)
        } else if text.hasPrefix("0b") {
            radix = 2
            text = text.dropFirst(2)
        } else if text.count > 1 && text.hasPrefix("0") {
            radix = 8
            text = text.dropFirst()
        } else {
            radix = 10
        }
        guard !text.isEmpty, !text.hasPrefix("+"), !text.hasPrefix("-"), let magnitude = Int(text, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// A plain scalar as a number, whole or not (`.inf`, `.nan` too).
    public var float: Double? {
        guard let scalar, scalar.isPlain else { return nil }
        switch scalar.string.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: return Double(scalar.string.filter { $0 != "_" })
        }
    }

    /// A plain scalar as true or false: `true`/`yes`/`on`, `false`/`no`/`off`, in any case.
    public var bool: Bool? {
        guard let scalar, scalar.isPlain else { return nil }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }
}
