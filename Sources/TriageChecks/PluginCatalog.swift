#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The plugins found in plugin folders. Later folders override earlier ones by name; a folder
/// whose manifest is broken, or that others than this user and root could change (`PluginTrust`),
/// is reported and skipped, and the others still load.
public struct PluginCatalog: Sendable {
    public private(set) var plugins: [String: PluginManifest] = [:]
    public private(set) var failures: [ManifestFailure] = []
    /// The folders looked in, found or not: what an empty catalog names.
    public let directories: [String]

    public init(directories: [String]) {
        self.directories = directories
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            if let problem = PluginTrust.problem(directory) {
                failures.append(ManifestFailure(folder: directory, problems: [ManifestProblem(file: directory, line: nil, problem)]))
                continue
            }
            for name in names.sorted() {
                let folder = directory + "/" + name
                let manifestFile = folder + "/" + ManifestLoader.fileName
                guard FileManager.default.fileExists(atPath: manifestFile) else { continue }
                if let problem = [folder, manifestFile].lazy.compactMap({ PluginTrust.problem($0) }).first {
                    failures.append(ManifestFailure(folder: folder, problems: [ManifestProblem(file: folder, line: nil, problem)]))
                    continue
                }
                switch ManifestLoader.load(folder: folder) {
                case .success(let manifest):
                    if let problem = PluginTrust.problem(folder + "/" + manifest.script) {
                        failures.append(ManifestFailure(folder: folder, problems: [ManifestProblem(file: folder, line: nil, problem)]))
                    } else {
                        plugins[manifest.name] = manifest
                    }
                case .failure(let failure): failures.append(failure)
                }
            }
        }
    }

    public var names: [String] { plugins.keys.sorted() }

    /// Where an agent looks for plugins when no `--plugins-dir` is given: `/usr/share/triage/plugins`,
    /// then relative to the real binary (`/proc/self/exe`, never the working directory):
    /// `../share/triage/plugins`, `plugins/` beside it, and — for a binary built in a checkout
    /// (`…/.build/…`) — the checkout's `Plugins/`.
    /// A checkout's build folder is `.build` or another SwiftPM scratch path beside it (`.build-static`).
    public static func defaultDirectories(executable: String? = PluginTrust.executablePath()) -> [String] {
        guard let executable else { return ["/usr/share/triage/plugins"] }
        let folder = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        var candidates = ["/usr/share/triage/plugins", folder + "/../share/triage/plugins", folder + "/plugins"]
        if let range = folder.firstRange(of: "/.build"), let after = folder[range.upperBound...].first, "/-_".contains(after) {
            candidates.append(String(folder[..<range.lowerBound]) + "/Plugins")
        }
        return candidates
    }
}
