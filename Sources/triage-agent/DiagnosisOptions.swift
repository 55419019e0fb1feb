import ArgumentParser
import TriageAgent
import TriageChecks

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What to run on each host, which `diagnose` and `sweep` share.
struct DiagnosisOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: "Plugins to run, comma-separated (default: all).")
    var checks: [String] = []

    @Option(name: .long, help: "Override a plugin parameter: plugin.name=value (repeatable).")
    var param: [String] = []

    @Option(name: .long, help: "Inventory YAML (hosts with address, user, port, params, vendor-managed services).")
    var inventory: String?

    @OptionGroup var plugins: PluginSource

    func validate() throws {
        for item in param where !item.contains("=") { throw ValidationError("--param \(item): write plugin.name=value") }
    }

    /// The diagnosis these options describe, with the inventory loaded and SSH set up from `ssh`.
    func diagnosis(ssh: SSHOptions?) throws -> Diagnosis {
        var diagnosis = Diagnosis(catalog: plugins.catalog())
        diagnosis.checks = checks.flatMap { $0.split(separator: ",").map(String.init) }
        for item in param {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            diagnosis.params[parts[0]] = parts[1]
        }
        if let inventory { diagnosis.inventory = try Inventory.load(file: inventory) }
        if let ssh {
            diagnosis.resolve = try ssh.resolveOptions()
            diagnosis.timeouts = ssh.timeouts
            diagnosis.credentials = PassphraseSource.credentials()
            diagnosis.notice = { printError($0) }
        }
        return diagnosis
    }
}
