import Foundation
import Mustache
import Synchronization

/// Checks a template against the model it is rendered with: every name a tag uses must be a
/// stored property somewhere on the context stack, as swift-mustache looks it up (by reflection;
/// a missing name renders as nothing, silently). A renamed property is caught the first time a
/// page renders in a debug build (`Pages.render`), which every page test does. Sections are
/// followed into the values they render with; a section over nothing (an empty list, nil,
/// false) is not entered, and is reported as unchecked.
struct TemplateCheck: Sendable {
    struct Result: Equatable {
        /// "template: name" for each name no object on the stack has.
        var missing: [String] = []
        /// "template: section" for each section whose body the model did not reach.
        var unchecked: [String] = []
        /// The templates walked: this one, its partials and its parent.
        var templates: Set<String> = []
    }

    /// Each template's tree by name, parsed once (partials and parents are looked up here); nil
    /// for one that does not parse.
    private let trees: [String: [Node]?]

    init(sources: [String: String]) {
        trees = sources.mapValues { try? Self.parse($0) }
    }

    func check(_ template: String, _ model: Any) -> Result {
        var result = Result()
        guard let nodes = trees[template] ?? nil else {
            result.missing.append("\(template): the template does not parse")
            return result
        }
        walk(nodes, stack: [model], in: template, into: &result)
        return result
    }

    // MARK: The template as a tree

    indirect enum Node: Equatable, Sendable {
        case name(String)
        case section(String, inverted: Bool, [Node])
        case partial(String)
        /// `{{<parent}}` with the blocks it fills.
        case parent(String, [String: [Node]])
        /// `{{$block}}default{{/block}}`.
        case block(String, [Node])
    }

    struct ParseError: Error {}

    static func parse(_ source: String) throws -> [Node] {
        var stack: [(kind: Character, name: String, nodes: [Node])] = [(" ", "", [])]
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            let triple = rest[open.upperBound...].first == "{"
            let closeMark = triple ? "}}}" : "}}"
            guard let close = rest[open.upperBound...].range(of: closeMark) else { throw ParseError() }
            var tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if triple { tag.removeFirst() }
            guard let sigil = tag.first else { continue }
            let name = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
            switch sigil {
            case "!": continue
            case "#", "^", "<", "$": stack.append((sigil, name, []))
            case "/":
                guard stack.count > 1, let open = stack.popLast(), open.name == name else { throw ParseError() }
                let node: Node =
                    switch open.kind {
                    case "<":
                        .parent(
                            name,
                            Dictionary(
                                open.nodes.compactMap {
                                    if case .block(let block, let body) = $0 { (block, body) } else { nil }
                                }, uniquingKeysWith: { first, _ in first }))
                    case "$": .block(name, open.nodes)
                    default: .section(name, inverted: open.kind == "^", open.nodes)
                    }
                stack[stack.count - 1].nodes.append(node)
            case ">": stack[stack.count - 1].nodes.append(.partial(name))
            case "&": stack[stack.count - 1].nodes.append(.name(name))
            case "=": throw ParseError()  // changed delimiters: not used by the board
            default: stack[stack.count - 1].nodes.append(.name(tag))
            }
        }
        guard stack.count == 1 else { throw ParseError() }
        return stack[0].nodes
    }

    // MARK: Following the model

    /// `blocks`: the blocks a child fills, each with the template it comes from.
    private func walk(
        _ nodes: [Node], stack: [Any], blocks: [String: (template: String, nodes: [Node])] = [:], in template: String,
        into result: inout Result
    ) {
        result.templates.insert(template)
        for node in nodes {
            switch node {
            case .name(let name):
                if case .missing(let part) = Self.lookup(name, in: stack) { result.missing.append("\(template): \(part)") }
            case .section(let name, let inverted, let body):
                switch Self.lookup(name, in: stack) {
                case .missing(let part): result.missing.append("\(template): \(part)")
                case .found(let value):
                    let items = Self.items(value)
                    if inverted {
                        if items.isEmpty {
                            walk(body, stack: stack, blocks: blocks, in: template, into: &result)
                        } else {
                            result.unchecked.append("\(template): ^\(name)")
                        }
                    } else if items.isEmpty {
                        result.unchecked.append("\(template): #\(name)")
                    } else {
                        for item in items {
                            let inner = item is Bool ? stack : stack + [item]
                            walk(body, stack: inner, blocks: blocks, in: template, into: &result)
                        }
                    }
                }
            case .partial(let name):
                guard let partial = trees[name] ?? nil else {
                    result.missing.append("\(template): partial \(name)")
                    continue
                }
                walk(partial, stack: stack, in: name, into: &result)
            case .parent(let name, let filled):
                guard let parent = trees[name] ?? nil else {
                    result.missing.append("\(template): parent \(name)")
                    continue
                }
                // The child's blocks render in the child's context, inside the parent's frame.
                let own = filled.mapValues { (template: template, nodes: $0) }
                walk(parent, stack: stack, blocks: own.merging(blocks) { _, outer in outer }, in: name, into: &result)
            case .block(let name, let fallback):
                let (owner, body) = blocks[name] ?? (template, fallback)
                walk(body, stack: stack, blocks: blocks, in: owner, into: &result)
            }
        }
    }

    enum Lookup {
        case found(Any?)
        case missing(String)
    }

    /// `name` as swift-mustache resolves it: "." is the top of the stack; the first part of a
    /// dotted name is searched from the top down, the rest inside what it found.
    static func lookup(_ name: String, in stack: [Any]) -> Lookup {
        if name == "." { return .found(stack.last) }
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return .missing(name) }
        let candidates = name.hasPrefix(".") ? Array(stack.suffix(1)) : stack.reversed()
        guard var value = candidates.lazy.compactMap({ child(first, of: $0) }).first else { return .missing(first) }
        for part in parts.dropFirst() {
            guard let present = value else { return .found(nil) }
            guard let next = child(part, of: present) else { return .missing("\(first).\(part)") }
            value = next
        }
        return .found(value)
    }

    /// The stored property `name` of `object` (nil inside when it holds nil); nil when it has none.
    private static func child(_ name: String, of object: Any) -> Any?? {
        if let parent = object as? MustacheParent { return parent.child(named: name).map { .some($0) } }
        guard let match = Mirror(reflecting: object).children.first(where: { $0.label == name }) else { return nil }
        return .some(unwrapped(match.value))
    }

    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? nil
    }

    /// What a section renders its body with: each element of a list, the value itself, or
    /// nothing (nil, false, an empty list).
    private static func items(_ value: Any?) -> [Any] {
        guard let value else { return [] }
        if let flag = value as? Bool { return flag ? [true] : [] }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .collection || mirror.displayStyle == .set { return mirror.children.map(\.value) }
        return [value]
    }
}

/// Which templates debug builds have checked, and what they found: the template tests read it.
final class TemplateCoverage: Sendable {
    static let shared = TemplateCoverage()
    private let seen = Mutex<(templates: Set<String>, missing: [String])>(([], []))

    func note(_ result: TemplateCheck.Result) {
        seen.withLock {
            $0.templates.formUnion(result.templates)
            $0.missing += result.missing
        }
    }

    var templates: Set<String> { seen.withLock { $0.templates } }
    var missing: [String] { seen.withLock { $0.missing } }
}
