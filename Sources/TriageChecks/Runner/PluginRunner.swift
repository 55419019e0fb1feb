#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TriageModel
import TriageSSH

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
        var prelude = ""
        for parameter in parameters {
            guard let assignment = ShellQuote.assignment(parameter: parameter.name, value: parameter.value) else { continue }
            prelude += "\(assignment)\nexport TRIAGE_\(parameter.name.uppercased())\n"
        }
        return Array((prelude + plugin.scriptText).utf8)
    }

    /// Runs every plugin in one shell run (see ScriptBundle). `overrides` maps plugin name →
    /// parameter name → value.
    public static func run(_ plugins: [PluginManifest], overrides: [String: [String: String]] = [:],
                           transport: some ScriptTransport) async -> Outcome {
        var outcome = Outcome()
        guard !plugins.isEmpty else { return outcome }
        let bundle = bundle(plugins, overrides: overrides)
        let run: ScriptOutcome
        do {
            run = try await transport.run(script: bundle.text, timeout: bundle.timeout, outputLimit: outputLimit * plugins.count)
        } catch {
            for plugin in plugins { fail(plugin, "\(error)", duration: .zero, into: &outcome) }
            return outcome
        }
        for (plugin, result) in zip(plugins, bundle.split(run)) {
            var capped = result
            capped.stdout = Array(capped.stdout.prefix(outputLimit))
            capped.stderr = Array(capped.stderr.prefix(outputLimit))
            interpret(capped, of: plugin, into: &outcome)
        }
        return outcome
    }

    /// `run` for a caller that is not a task: blocks this thread until it is done.
    public static func run(_ plugins: [PluginManifest], overrides: [String: [String: String]] = [:],
                           transport: some ScriptTransport) -> Outcome {
        EventLoop.blocking { () async -> Outcome in await run(plugins, overrides: overrides, transport: transport) }
    }

    /// The one shell text a run sends for `plugins` (what `triage-agent plugins script` prints).
    public static func bundleText(_ plugins: [PluginManifest], overrides: [String: [String: String]] = [:]) -> [UInt8] {
        bundle(plugins, overrides: overrides).text
    }

    private static func bundle(_ plugins: [PluginManifest], overrides: [String: [String: String]]) -> ScriptBundle {
        ScriptBundle(scripts: plugins.map { scriptText(for: $0, parameters: $0.parameters(overriding: overrides[$0.name] ?? [:])) },
                     timeouts: plugins.map(\.timeout))
    }

    /// A plugin's output as text; a NUL byte becomes U+FFFD, since the coordinator cannot store one.
    static func text(_ bytes: [UInt8]) -> String {
        let decoded = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(0) ? decoded.replacingLiteral("\u{0}", with: "\u{FFFD}") : decoded
    }

    static func interpret(_ result: ScriptOutcome, of plugin: PluginManifest, into outcome: inout Outcome) {
        let stderr = text(result.stderr).trimmed
        if result.timedOut {
            return fail(plugin, "timed out after \(plugin.timeout.secondsText)", duration: result.duration, into: &outcome)
        }
        if let signal = result.signal {
            return fail(plugin, "killed by signal \(signal)" + (stderr.isEmpty ? "" : ": \(stderr.prefix(200))"),
                        duration: result.duration, into: &outcome)
        }
        let stdout = text(result.stdout)
        let exitCode = result.exitCode ?? 3
        var checks: [CheckResult]
        switch plugin.outputProtocol {
        case .local:
            checks = LocalCheckParser.parse(plugin: plugin.name, output: stdout)
            if exitCode != 0 {
                outcome.errors.append(ReportError(plugin: plugin.name, message: "exited with status \(exitCode)"
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
        outcome.checks.append(CheckResult(plugin: plugin.name, item: "run", status: .unknown, summary: message,
                                          durationMs: milliseconds(duration)))
        outcome.errors.append(ReportError(plugin: plugin.name, message: message))
    }

    static func milliseconds(_ duration: Duration) -> Int { Int(duration.wholeMilliseconds) }
}
