import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Several plugin scripts in one shell run: one `sh -s` (one SSH exec) instead of one per plugin
/// (docs/plugins.md, "How plugins run").
///
/// Each plugin runs in a subshell of its own — `( eval '…' ) </dev/null`, a fork and no exec — so
/// its variables, `exit`, `set -e` and a syntax error stay its own, and it cannot read the rest of
/// the bundle from stdin. Plugins run one after another; markers with a random token separate
/// their output on both streams and carry each one's exit status and elapsed time. A plugin's
/// timeout is kept by whoever runs the bundle: `watch()` follows the markers as they arrive and
/// gives the running plugin's deadline, the transport stops the whole run there (killing its
/// process group, on the host too), and `PluginRunner` runs the plugins that had not started in a
/// new bundle. So nothing costs a process per plugin unless a plugin hangs (the bundle used to
/// start GNU `timeout` and a `sh` for each plugin: five processes of a cycle's twenty).
struct ScriptBundle {
    let token: String
    /// Each plugin's part of the one word `eval` gets: its parameter assignments, then its script,
    /// each already single-quoted (adjacent quoted strings are one word to the shell).
    let words: [(parameters: [UInt8], script: [UInt8])]
    let timeouts: [Duration]

    init(words: [(parameters: [UInt8], script: [UInt8])], timeouts: [Duration]) {
        self.words = words
        self.timeouts = timeouts
        token = "TRIAGE" + UUID().uuidString.replacingLiteral("-", with: "")
    }

    /// The whole run's bound: every plugin's timeout, plus slack for the shell itself.
    var timeout: Duration { timeouts.reduce(.seconds(5), +) }

    /// Follows this bundle's markers in a run's stdout: which plugin runs, and until when it may.
    func watch() -> BundleWatch { BundleWatch(token: token, timeouts: timeouts) }

    var text: [UInt8] {
        // Milliseconds since boot into triage_now, by the `read` builtin (no process); the
        // centiseconds go through `1xx - 100` so that "08" is not read as octal.
        var out = Array(
            """
            triage_now() { IFS=' .' read -r triage_s triage_cs triage_rest < /proc/uptime 2>/dev/null && triage_now=$(( triage_s * 1000 + (1$triage_cs - 100) * 10 )) || triage_now=0; }

            """.utf8)
        for (index, word) in words.enumerated() {
            out += Array(
                """
                printf '\\036\(token) begin \(index)\\n'; printf '\\036\(token) begin \(index)\\n' >&2
                triage_now; triage_start=$triage_now
                ( eval 
                """.utf8)
            out += word.parameters
            out += word.script
            out += Array(
                """
                 ) </dev/null
                triage_status=$?; triage_now
                printf '\\036\(token) end \(index) %s %s\\n' "$triage_status" "$(( triage_now - triage_start ))"; printf '\\036\(token) end \(index)\\n' >&2

                """.utf8)
        }
        return out
    }

    /// Text as one single-quoted word: every `'` byte becomes `'\''`.
    static func quoted(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(text.count + 16)
        for byte in text {
            if byte == UInt8(ascii: "'") { out += Array(#"'\''"#.utf8) } else { out.append(byte) }
        }
        out.append(UInt8(ascii: "'"))
        return out
    }

    /// What became of one plugin in a run.
    enum Part: Equatable {
        /// It ran to its end marker.
        case finished(ScriptOutcome)
        /// It was running when the run was stopped at its deadline, for `after`.
        case timedOut(after: Duration)
        /// It started, but the run ended before it did (the shell died, the connection broke).
        case cutShort(ScriptOutcome)
        /// The run never got to it.
        case notStarted
    }

    /// Splits one run's streams back into a part per plugin.
    func split(_ run: ScriptOutcome) -> [Part] {
        let stdout = sections(run.stdout)
        let stderr = sections(run.stderr)
        return words.indices.map { index in
            guard let section = stdout[index] else { return .notStarted }
            var outcome = ScriptOutcome()
            outcome.stdout = section.body
            outcome.stderr = stderr[index]?.body ?? []
            guard let trailer = section.trailer else {
                return run.timedOut ? .timedOut(after: timeouts[index]) : .cutShort(outcome)
            }
            let fields = trailer.split(separator: " ")
            let status = fields.first.flatMap { Int32($0) } ?? 3
            outcome.duration = .milliseconds(fields.count > 1 ? Int64(fields[1]) ?? 0 : 0)
            if status > 128 {
                outcome.signal = Signal.name(status - 128)
            } else {
                outcome.exitCode = status
            }
            return .finished(outcome)
        }
    }

    /// Bytes between each plugin's begin and end marker, and what follows "end N ".
    private func sections(_ bytes: [UInt8]) -> [Int: (body: [UInt8], trailer: String?)] {
        let begin = Array("\u{1e}\(token) begin ".utf8)
        let end = Array("\u{1e}\(token) end ".utf8)
        var result: [Int: (body: [UInt8], trailer: String?)] = [:]
        var current: Int?
        var body: [UInt8] = []
        var index = 0
        func line(from start: Int) -> (String, Int) {
            var stop = start
            while stop < bytes.count && bytes[stop] != UInt8(ascii: "\n") { stop += 1 }
            return (String(decoding: bytes[start..<stop], as: UTF8.self), min(stop + 1, bytes.count))
        }
        while index < bytes.count {
            if bytes[index] == 0x1e, bytes[index...].starts(with: begin) {
                if let current { result[current] = (body, nil) }
                let (text, next) = line(from: index + begin.count)
                current = Int(text)
                body = []
                index = next
            } else if bytes[index] == 0x1e, bytes[index...].starts(with: end) {
                let (text, next) = line(from: index + end.count)
                let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
                if let number = parts.first.flatMap(Int.init), number == current {
                    result[number] = (body, parts.count > 1 ? parts[1] : "")
                    current = nil
                    body = []
                }
                index = next
            } else {
                if current != nil { body.append(bytes[index]) }
                index += 1
            }
        }
        if let current { result[current] = (body, nil) }
        return result
    }
}
