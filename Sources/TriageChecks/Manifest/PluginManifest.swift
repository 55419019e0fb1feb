import TriageModel

/// A check plugin: its `plugin.yaml` and the script that runs on the client.
public struct PluginManifest: Sendable, Equatable {
    /// How the script reports (docs/plugins.md).
    public enum OutputProtocol: String, Sendable {
        /// Checkmk local-check lines, many items per run.
        case local
        /// Monitoring Plugins: exit code and `TEXT | PERFDATA`, one item per run.
        case nagios
    }

    public var name: String
    public var summary: String
    public var outputProtocol: OutputProtocol
    /// The script's file name inside the plugin folder.
    public var script: String
    /// For `nagios` plugins, the item the one result is filed under (default: the plugin name).
    public var item: String
    public var timeout: Duration
    /// Parameters in manifest order, exported as `TRIAGE_<NAME>`.
    public var params: [Parameter]
    /// First match wins, per item.
    public var rules: [TriageRule]
    /// Where plugin.yaml was found.
    public var folder: String
    /// The skills a ticket needs when one of this plugin's checks fails (`skills: [storage]`).
    public var skills: [String]
    /// The script's text, sent to `sh -s` over SSH or run by /bin/sh locally.
    public var scriptText: String { didSet { quotedScript = ScriptBundle.quoted(Array(scriptText.utf8)) } }
    /// `scriptText` as one single-quoted shell word, made once: every bundle for every host of a
    /// sweep embeds it.
    private(set) var quotedScript: [UInt8]

    public init(
        name: String, summary: String, outputProtocol: OutputProtocol, script: String, item: String, timeout: Duration,
        params: [Parameter], rules: [TriageRule], folder: String, scriptText: String, skills: [String] = []
    ) {
        self.skills = skills
        self.name = name
        self.summary = summary
        self.outputProtocol = outputProtocol
        self.script = script
        self.item = item
        self.timeout = timeout
        self.params = params
        self.rules = rules
        self.folder = folder
        self.scriptText = scriptText
        quotedScript = ScriptBundle.quoted(Array(scriptText.utf8))
    }

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The parameters with overrides applied (unknown names are rejected by the caller).
    public func parameters(overriding overrides: [String: String]) -> [Parameter] {
        params.map { Parameter(name: $0.name, value: overrides[$0.name] ?? $0.value) }
    }
}

/// A problem in a plugin folder, with where it is.
public struct ManifestProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
