import TestSupport
import Testing
import TriageChecks
import TriageModel

/// Parsers never crash and always give a well-formed result, on thousands of random and
/// mutated inputs from a fixed seed (so a failure is reproducible).
@Suite struct ParserFuzzTests {
    static let seeds = [
        "0 svc - ok", "P \"a b\" x=1;2;3;0;10|y=4;5:6;7:8 text\\nlong", "cached(100,60) 2 item m=5% crit",
        "OK - x | a=1;2;3;4;5 'b c'=2ms;;;; d=U", "@10:20", "~:5", "1e3", "'it''s'=1c",
        "WARNING: x |\nlong\n| z=1", "2 \"fs /\" used=99%;80;90 full",
    ]
    static let alphabet = Array("0123P \"'|;:=-~@.e\\nxyzUB%\n\t()cached,")

    func mutate(_ text: String, _ random: inout SeededGenerator) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: characters.insert(Self.alphabet.randomElement(using: &random)!, at: position)
            case 1: if !characters.isEmpty { characters.remove(at: position) }
            case 2: if !characters.isEmpty { characters[position] = Self.alphabet.randomElement(using: &random)! }
            default: characters.insert(contentsOf: Array(Self.seeds.randomElement(using: &random)!), at: position)
            }
        }
        return String(characters)
    }

    func inputs(count: Int) -> [String] {
        var random = SeededGenerator(seed: 20_261_122)
        return (0..<count).map { index in
            if index % 3 == 0 {
                let length = Int.random(in: 0...80, using: &random)
                return String((0..<length).map { _ in Self.alphabet.randomElement(using: &random)! })
            }
            return mutate(Self.seeds.randomElement(using: &random)!, &random)
        }
    }

    func wellFormed(_ result: CheckResult) -> Bool {
        !result.item.isEmpty && !result.item.contains("\n")
            && result.metrics.allSatisfy { !$0.name.isEmpty && ($0.value?.isFinite ?? true) }
    }

    @Test func localCheckParserAlwaysAnswers() {
        for input in inputs(count: 5000) {
            let results = LocalCheckParser.parse(plugin: "fuzz", output: input)
            #expect(!results.isEmpty, "\(input)")
            #expect(results.allSatisfy(wellFormed), "\(input)")
            // Nothing that is not a valid line may come out as OK without having been a line.
            #expect(results.filter { $0.item == "output" }.allSatisfy { $0.status == .unknown }, "\(input)")
        }
    }

    @Test func nagiosParserAlwaysAnswers() {
        var random = SeededGenerator(seed: 42)
        for input in inputs(count: 5000) {
            let code = Int32.random(in: -2...300, using: &random)
            let result = NagiosOutputParser.parse(plugin: "fuzz", item: "i", exitCode: code, output: input)
            #expect(wellFormed(result), "\(input)")
            if !(0...3).contains(code) { #expect(result.status == .unknown || result.status == .critical) }
        }
    }

    @Test func rangesParseOrThrowNeverLie() {
        for input in inputs(count: 5000) {
            guard let range = try? NagiosRange(parsing: input) else { continue }
            if let start = range.start, let end = range.end { #expect(start <= end, "\(input)") }
            #expect((try? NagiosRange(parsing: range.description)) == range, "\(input)")
        }
    }
}
