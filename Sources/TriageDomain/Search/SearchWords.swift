import Foundation

/// Words as the search box compares them (docs/search.md): lower case, without diacritics, split
/// at everything that is not a letter or a digit. The store indexes these words, not the raw text,
/// so SQLite's FTS5 and PostgreSQL's full-text search see the same tokens (PostgreSQL's own parser
/// would keep "anna@acme.example" as one word, FTS5 splits it).
public enum SearchWords {
    /// The words of `text`, in order, repeats kept (they weigh in the ranking).
    public static func of(_ text: String) -> [String] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var words: [String] = []
        var current = ""
        for character in folded {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// A phone number's words: its digits without the trunk or international prefix's zeros, and
    /// every tail of them of six digits or more, so "0170 123 4567" finds "+49 170 1234567" (its
    /// digits' tail "1701234567") and a number typed in part finds the whole by its beginning.
    public static func phone(_ text: String) -> [String] {
        let digits = String(text.filter(\.isNumber).drop { $0 == "0" })
        guard digits.count >= 6 else { return digits.isEmpty ? [] : [digits] }
        return (0...(digits.count - 6)).map { String(digits.dropFirst($0)) }
    }

    /// The longest word start SQLite's FTS5 tables keep a prefix index for (`prefix='2 … 8'`): a
    /// query word up to this long is one lookup.
    public static let longestIndexedStart = 8

    /// A phone number typed as a caller says it: digits with spaces, dashes, dots, slashes,
    /// brackets and a leading +, and at least five digits.
    static func isPhone(_ text: String) -> Bool {
        let allowed = Set(" +-./()")
        return text.allSatisfy { $0.isNumber || allowed.contains($0) } && text.filter(\.isNumber).count >= 5
    }
}

/// What someone typed into the search box, as words that must all match, each as the start of a
/// word ("print" finds "printer"); single letters are left out.
public struct SearchQuery: Sendable, Equatable, Encodable {
    public let terms: [String]

    public init(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if SearchWords.isPhone(trimmed) {
            terms = [String(trimmed.filter(\.isNumber).drop { $0 == "0" })]
        } else {
            // A single letter starts too many words to narrow anything down.
            var seen: Set<String> = []
            terms = Array(SearchWords.of(trimmed).filter { $0.count > 1 && seen.insert($0).inserted }.prefix(Self.maxTerms))
        }
    }

    /// More words than this narrow nothing down a person would notice, and each costs a lookup.
    static let maxTerms = 8

    public var isEmpty: Bool { terms.isEmpty }

    /// Whether `word` (already one of `SearchWords.of`'s) is one the query matches.
    public func matches(_ word: String) -> Bool { terms.contains { word.hasPrefix($0) } }
}
