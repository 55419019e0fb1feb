import Foundation

/// The plugins found in plugin folders. Later folders override earlier ones by name; a folder
/// whose manifest is broken is reported and skipped, and the others still load.
public struct PluginCatalog: Sendable {
    public private(set) var plugins: [String: PluginManifest] = [:]
    public private(set) var failures: [ManifestFailure] = []

    public init(directories: [String]) {
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names.sorted() {
                let folder = directory + "/" + name
                guard FileManager.default.fileExists(atPath: folder + "/" + ManifestLoader.fileName) else { continue }
                switch ManifestLoader.load(folder: folder) {
                case .success(let manifest): plugins[manifest.name] = manifest
                case .failure(let failure): failures.append(failure)
                }
            }
        }
    }

    public var names: [String] { plugins.keys.sorted() }

    /// Where an agent looks for plugins when no `--plugins-dir` is given: next to its binary,
    /// in `../share/triage/plugins`, in `/usr/share/triage/plugins`, and — for a binary built in
    /// a checkout (`…/.build/…`) — the checkout's `Plugins/`.
    public static func defaultDirectories(executable: String) -> [String] {
        let binary = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        let folder = binary.deletingLastPathComponent().path
        var candidates = ["/usr/share/triage/plugins", folder + "/../share/triage/plugins", folder + "/plugins"]
        if let range = folder.range(of: "/.build/") { candidates.append(String(folder[..<range.lowerBound]) + "/Plugins") }
        return candidates.filter { FileManager.default.fileExists(atPath: $0) }
    }
}
