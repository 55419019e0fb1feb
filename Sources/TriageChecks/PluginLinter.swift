#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `plugins lint`: every manifest problem with file and line, plus `sh -n` on each script.
public enum PluginLinter {
    public static func lint(directory: String) -> [ManifestProblem] {
        let single = FileManager.default.fileExists(atPath: directory + "/" + ManifestLoader.fileName)
        let folders =
            single
            ? [directory]
            : ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .sorted().map { directory + "/" + $0 }
                .filter { FileManager.default.fileExists(atPath: $0 + "/" + ManifestLoader.fileName) }
        if folders.isEmpty { return [ManifestProblem(file: directory, line: nil, "no plugin.yaml here or in its folders")] }
        var problems: [ManifestProblem] = []
        for folder in folders {
            switch ManifestLoader.load(folder: folder) {
            case .failure(let failure): problems += failure.problems
            case .success(let manifest): problems += syntaxCheck(manifest)
            }
        }
        return problems
    }

    /// Runs `sh -n` on the script (reads it without running it).
    static func syntaxCheck(_ plugin: PluginManifest) -> [ManifestProblem] {
        let file = plugin.folder + "/" + plugin.script
        let check = "sh -n " + ShellQuote.quote(file)
        guard let outcome = try? LocalShell().run(script: Array(check.utf8), timeout: .seconds(10), outputLimit: 8192) else {
            return [ManifestProblem(file: file, line: nil, "could not run sh -n")]
        }
        guard outcome.exitCode != 0 else { return [] }
        let message = String(decoding: outcome.stderr, as: UTF8.self).trimmed
        // dash reports "FILE: LINE: message"; keep the line number for the problem.
        let parts = message.split(separator: ":", maxSplits: 2).map(\.trimmingBlanks)
        let line = parts.count == 3 ? Int(parts[1]) : nil
        return [ManifestProblem(file: file, line: line, "sh -n: " + (line != nil ? parts[2] : message))]
    }
}
