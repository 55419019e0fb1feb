import Foundation

/// A piece of text around the first word a search matched, cut into runs that are and are not
/// matching words, so a page can mark them (docs/search.md).
public struct SearchSnippet: Sendable, Equatable, Encodable {
    public struct Run: Sendable, Equatable, Encodable {
        public var text: String
        public var matched: Bool
    }

    public var runs: [Run]

    public var text: String { runs.map(\.text).joined() }

    /// About `width` characters of `text` (whitespace collapsed) from a little before its first
    /// matching word, with "…" where it was cut.
    public init(_ text: String, query: SearchQuery, width: Int = 220) {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var words: [(range: Range<String.Index>, matched: Bool)] = []
        var start: String.Index?
        for index in flat.indices {
            let inWord = flat[index].isLetter || flat[index].isNumber
            if inWord, start == nil { start = index }
            if !inWord, let from = start {
                words.append((from..<index, Self.matches(flat[from..<index], query)))
                start = nil
            }
        }
        if let from = start { words.append((from..<flat.endIndex, Self.matches(flat[from..<flat.endIndex], query))) }
        let first = words.first(where: \.matched)?.range.lowerBound ?? flat.startIndex
        var lower = flat.index(first, offsetBy: -min(width / 4, flat.distance(from: flat.startIndex, to: first)))
        // Start at a word's beginning.
        if lower > flat.startIndex, let word = words.first(where: { $0.range.contains(lower) }) { lower = word.range.upperBound }
        let upper = flat.index(lower, offsetBy: width, limitedBy: flat.endIndex) ?? flat.endIndex
        var runs: [Run] = lower > flat.startIndex ? [Run(text: "…", matched: false)] : []
        var cursor = lower
        for word in words where word.matched && word.range.lowerBound >= lower && word.range.upperBound <= upper {
            if cursor < word.range.lowerBound { runs.append(Run(text: String(flat[cursor..<word.range.lowerBound]), matched: false)) }
            runs.append(Run(text: String(flat[word.range]), matched: true))
            cursor = word.range.upperBound
        }
        if cursor < upper { runs.append(Run(text: String(flat[cursor..<upper]), matched: false)) }
        if upper < flat.endIndex { runs.append(Run(text: "…", matched: false)) }
        self.runs = runs
    }

    private static func matches(_ word: Substring, _ query: SearchQuery) -> Bool {
        SearchWords.of(String(word)).contains(where: query.matches)
    }
}
