import Foundation
import TestSupport
import TriageChecks
import TriageModel
import TriageSSH

/// Where the repository's plugins and the tests' saved tool outputs are.
enum PluginFixtures {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures").path
    static let plugins = ShippedPlugins.folder

    static func plugin(_ name: String) throws -> PluginManifest {
        try ManifestLoader.load(folder: plugins + "/" + name).get()
    }
}

/// Runs scripts through another transport with extra variables set first (the `TRIAGE_SRC_*`
/// sources that point a plugin at saved outputs instead of the host's own tools).
struct SourcedTransport<Inner: ScriptTransport>: ScriptTransport {
    let inner: Inner
    let sources: [String: String]

    func run(script: [UInt8], timeout: Duration, outputLimit: Int, watch: (any StreamWatch)?) async throws -> ScriptOutcome {
        let prelude = sources.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(ShellQuote.quote($0.value))\nexport \($0.key)\n" }.joined()
        return try await inner.run(script: Array(prelude.utf8) + script, timeout: timeout, outputLimit: outputLimit, watch: watch)
    }
}

extension Array where Element == CheckResult {
    func item(_ name: String) -> CheckResult? { first { $0.item == name } }
}
