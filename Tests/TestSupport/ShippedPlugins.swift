import Foundation
import TriageChecks

/// The plugins in the repository's Plugins/ folder, as the agent loads them.
public enum ShippedPlugins {
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Plugins").path

    /// Each shipped plugin's `skills:` — what a report of the real agent carries on its checks.
    public static let skills: [String: [String]] = {
        var skills: [String: [String]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            if case .success(let manifest) = ManifestLoader.load(folder: folder + "/" + name) { skills[name] = manifest.skills }
        }
        return skills
    }()
}
