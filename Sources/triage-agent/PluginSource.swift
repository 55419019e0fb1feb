import ArgumentParser
import TriageChecks

/// Where plugins come from: `--plugins-dir` folders, else the default places.
struct PluginSource: ParsableArguments {
    @Option(name: .long, help: "Folder of plugins (repeatable; later folders override earlier ones by name).")
    var pluginsDir: [String] = []

    func catalog() -> PluginCatalog { Self.catalog(pluginsDir) }

    /// The plugins in `folders` (the default places when empty); broken ones are named on stderr.
    static func catalog(_ folders: [String]) -> PluginCatalog {
        let directories = folders.isEmpty ? PluginCatalog.defaultDirectories() : folders
        let catalog = PluginCatalog(directories: directories)
        for failure in catalog.failures {
            printError(
                "triage-agent: skipping the plugin in \(failure.folder):\n" + failure.problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        return catalog
    }
}
