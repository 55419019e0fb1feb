import TriageModel
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs plugins through one transport and turns what they print into check results.
/// A plugin that fails, hangs or prints garbage yields UNKNOWN items and report errors; the
/// other plugins still run.
public enum PluginRunner {
    /// Bytes kept per stream per plugin.
    public static let outputLimit = 1 << 20

    public struct Outcome: Sendable, Equatable {
        public var checks: [CheckResult]
        public var errors: [ReportError]

        public init(checks: [CheckResult] = [], errors: [ReportError] = []) {
            self.checks = checks
            self.errors = errors
        }
    }

    /// The text given to `sh`: each parameter assigned (quoted so that it stays data) and
    /// exported, then the script itself.
    public static func scriptText(for plugin: PluginManifest, parameters: [PluginManifest.Parameter]) -> [UInt8] {
        assignments(parameters) + Array(plugin.scriptText.utf8)
    }

    /// `TRIAGE_NAME='value'` and `export TRIAGE_NAME` for each parameter, a line each.
    private static func assignments(_ parameters: [PluginManifest.Parameter]) -> [UInt8] {
        var prelude = ""
        for parameter in parameters {
            guard let assignment = ShellQuote.assignment(parameter: parameter.name, value: parameter.value) else { continue }
            prelude += "\(assignment)\nexport TRIAGE_\(parameter.name.uppercased())\n"
        }
        return Array(prelude.utf8)
    }

    /// Runs every plugin in one shell run (see ScriptBundle). `overrides` maps plugin name →
    /// parameter name → value. A plugin past its timeout stops that run (everything it started is
    /// killed); the plugins after it run in a new one.
    public static func run(
        _ plugins: [PluginManifest], overrides: [String: [String: String]] = [:],
        transport: some ScriptTransport
    ) async -> Outcome {
        var outcome = Outcome()
        var remaining = plugins[...]
        while !remaining.isEmpty {
            let batch = Array(remaining)
            let bundle = bundle(batch, overrides: overrides)
            let run: ScriptOutcome
            do {
                run = try await transport.run(
                    script: bundle.text, timeout: bundle.timeout, outputLimit: outputLimit * batch.count,
                    watch: bundle.watch())
            } catch {
                for plugin in batch { fail(plugin, "\(error)", duration: .zero, into: &outcome) }
                return outcome
            }
            var started = 0
            for (plugin, part) in zip(batch, bundle.split(run)) {
                switch part {
                case .finished(let result):
                    interpret(result, of: plugin, into: &outcome)
                case .timedOut(let after):
                    fail(plugin, "timed out after \(plugin.timeout.secondsText)", duration: after, into: &outcome)
                case .cutShort(var result):
                    // The shell itself ended mid-plugin: killed, or the connection went.
                    result.signal = run.signal
                    result.exitCode = run.signal == nil ? run.exitCode ?? 3 : nil
                    interpret(result, of: plugin, into: &outcome)
                case .notStarted:
                    continue
                }
                started += 1
            }
            remaining = remaining.dropFirst(started)
            // Plugins left over after a run that was not stopped for a timeout never got their turn.
            if !remaining.isEmpty && (started == 0 || !run.timedOut) {
                let stderr = text(run.stderr).trimmed
                let reason =
                    run.timedOut
                    ? "timed out before it started"
                    : "not run: the shell ended first" + (stderr.isEmpty ? "" : ": \(stderr.prefix(300))")
                for plugin in remaining { fail(plugin, reason, duration: .zero, into: &outcome) }
                return outcome
            }
        }
        return outcome
    }

    /// `run` for a caller that is not a task: blocks this thread until it is done.
    public static func run(
        _ plugins: [PluginManifest], overrides: [String: [String: String]] = [:],
        transport: some ScriptTransport
    ) -> Outcome {
        EventLoop.blocking { () async -> Outcome in await run(plugins, overrides: overrides, transport: transport) }
    }

    /// The one shell text a run sends for `plugins` (what `triage-agent plugins script` prints).
    public static func bundleText(_ plugins: [PluginManifest], overrides: [String: [String: String]] = [:]) -> [UInt8] {
        bundle(plugins, overrides: overrides).text
    }

    private static func bundle(_ plugins: [PluginManifest], overrides: [String: [String: String]]) -> ScriptBundle {
        ScriptBundle(
            words: plugins.map {
                (ScriptBundle.quoted(assignments($0.parameters(overriding: overrides[$0.name] ?? [:]))), $0.quotedScript)
            },
            timeouts: plugins.map(\.timeout))
    }

    /// A plugin's output as text; a NUL byte becomes U+FFFD, since the coordinator cannot store one.
    static func text(_ bytes: [UInt8]) -> String {
        let decoded = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(0) ? decoded.replacingLiteral("\u{0}", with: "\u{FFFD}") : decoded
    }

    static func interpret(_ result: ScriptOutcome, of plugin: PluginManifest, into outcome: inout Outcome) {
        var result = result
        result.stdout = Array(result.stdout.prefix(outputLimit))
        result.stderr = Array(result.stderr.prefix(outputLimit))
        let stderr = text(result.stderr).trimmed
        if let signal = result.signal {
            return fail(
                plugin, "killed by signal \(signal)" + (stderr.isEmpty ? "" : ": \(stderr.prefix(200))"),
                duration: result.duration, into: &outcome)
        }
        let stdout = text(result.stdout)
        let exitCode = result.exitCode ?? 3
        var checks: [CheckResult]
        switch plugin.outputProtocol {
        case .local:
            checks = LocalCheckParser.parse(plugin: plugin.name, output: stdout)
            if exitCode != 0 {
                outcome.errors.append(
                    ReportError(
                        plugin: plugin.name,
                        message: "exited with status \(exitCode)"
                            + (stderr.isEmpty ? "" : ": \(stderr.prefix(500))")))
            }
        case .nagios:
            let output = stdout.isEmpty ? stderr : stdout
            checks = [NagiosOutputParser.parse(plugin: plugin.name, item: plugin.item, exitCode: exitCode, output: output)]
        }
        let millis = milliseconds(result.duration)
        for index in checks.indices {
            checks[index].durationMs = millis
            if !plugin.skills.isEmpty { checks[index].skills = plugin.skills }
            if checks[index].item == "output" && checks[index].status == .unknown && !stderr.isEmpty {
                checks[index].longOutput = [checks[index].longOutput, "stderr: " + String(stderr.prefix(4096))]
                    .compactMap { $0 }.joined(separator: "\n")
            }
        }
        outcome.checks += checks
    }

    private static func fail(_ plugin: PluginManifest, _ message: String, duration: Duration, into outcome: inout Outcome) {
        outcome.checks.append(
            CheckResult(
                plugin: plugin.name, item: "run", status: .unknown, summary: message,
                durationMs: milliseconds(duration)))
        outcome.errors.append(ReportError(plugin: plugin.name, message: message))
    }

    static func milliseconds(_ duration: Duration) -> Int { Int(duration.wholeMilliseconds) }
}
