import CLibYAML

/// Why a text is not the YAML expected, with where libyaml found it.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let mark: YAMLNode.Mark?

    public var description: String {
        guard let mark else { return message }
        return "line \(mark.line), column \(mark.column): \(message)"
    }
}

/// The system's libyaml (the parser Yams and PyYAML wrap too), turned into a `YAMLNode` tree: one
/// document, anchors and aliases resolved. What the agent's configurations and the plugins'
/// manifests are read with, so the agent links no Foundation (and no ICU) for YAML.
public enum YAMLParser {
    /// The document in `text`; nil for an empty one.
    public static func compose(_ text: String) throws(YAMLError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(message: "libyaml could not start", mark: nil) }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw Self.error(parser) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return builder.document }
                try builder.take(event)
            }
        }
    }

    private static func error(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "cannot parse"
        let context = parser.context.map { String(cString: $0) + ": " } ?? ""
        return YAMLError(message: context + problem, mark: mark(parser.problem_mark))
    }

    static func mark(_ mark: yaml_mark_t) -> YAMLNode.Mark { YAMLNode.Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1) }

    /// Builds the tree from libyaml's events: a stack of open collections.
    private struct Builder {
        private enum Open {
            case mapping(mark: YAMLNode.Mark, anchor: String?, items: [YAMLNode])
            case sequence(mark: YAMLNode.Mark, anchor: String?, items: [YAMLNode])
        }

        private var stack: [Open] = []
        private var anchors: [String: YAMLNode] = [:]
        private(set) var document: YAMLNode?
        private var documents = 0

        mutating func take(_ event: yaml_event_t) throws(YAMLError) {
            let mark = YAMLParser.mark(event.start_mark)
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw YAMLError(message: "expected one document, found another", mark: mark) }
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                let plain = data.style == YAML_PLAIN_SCALAR_STYLE && data.tag == nil
                add(YAMLNode(.scalar(.init(text, isPlain: plain)), mark: mark), anchor: Self.text(data.anchor))
            case YAML_ALIAS_EVENT:
                let name = Self.text(event.data.alias.anchor) ?? ""
                guard let node = anchors[name] else { throw YAMLError(message: "unknown alias *\(name)", mark: mark) }
                add(node, anchor: nil)
            case YAML_SEQUENCE_START_EVENT:
                stack.append(.sequence(mark: mark, anchor: Self.text(event.data.sequence_start.anchor), items: []))
            case YAML_MAPPING_START_EVENT:
                stack.append(.mapping(mark: mark, anchor: Self.text(event.data.mapping_start.anchor), items: []))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                switch stack.removeLast() {
                case .sequence(let mark, let anchor, let items):
                    add(YAMLNode(.sequence(items), mark: mark), anchor: anchor)
                case .mapping(let mark, let anchor, let items):
                    let pairs = stride(from: 0, to: items.count - 1, by: 2).map { (key: items[$0], value: items[$0 + 1]) }
                    add(YAMLNode(.mapping(.init(pairs: pairs, mark: mark)), mark: mark), anchor: anchor)
                }
            default:
                break
            }
        }

        private mutating func add(_ node: YAMLNode, anchor: String?) {
            if let anchor { anchors[anchor] = node }
            guard let open = stack.popLast() else {
                document = node
                return
            }
            // Popped, the items are this function's own: appending does not copy them.
            switch open {
            case .mapping(let mark, let anchor, var items):
                items.append(node)
                stack.append(.mapping(mark: mark, anchor: anchor, items: items))
            case .sequence(let mark, let anchor, var items):
                items.append(node)
                stack.append(.sequence(mark: mark, anchor: anchor, items: items))
            }
        }

        private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
