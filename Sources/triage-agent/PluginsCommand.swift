import ArgumentParser
import TriageChecks

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List, show and check check plugins.",
        subcommands: [List.self, Show.self, Script.self, Lint.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the plugins the agent finds.")
        @OptionGroup var source: PluginSource

        func run() {
            let catalog = source.catalog()
            for name in catalog.names {
                let plugin = catalog.plugins[name]!
                print("\(name.padded(to: 12)) \(plugin.outputProtocol.rawValue.padded(to: 7)) \(plugin.summary)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one plugin: parameters, timeout, triage rules.")
        @Argument var name: String
        @OptionGroup var source: PluginSource

        func run() throws {
            guard let plugin = source.catalog().plugins[name] else { throw ValidationError("no plugin named \(name)") }
            print("\(plugin.name): \(plugin.summary)")
            print("  folder:   \(plugin.folder)")
            print("  script:   \(plugin.script) (protocol \(plugin.outputProtocol.rawValue), timeout \(plugin.timeout.secondsText))")
            for parameter in plugin.params { print("  param:    \(plugin.name).\(parameter.name) = \(parameter.value)") }
            for rule in plugin.rules {
                let action =
                    switch rule.action {
                    case .onsite: "onsite"
                    case .vendor(let vendor): "vendor \(vendor ?? "(from inventory)")"
                    case .tier(let tier): "tier \(tier)"
                    }
                let statuses = rule.statuses.isEmpty ? "not ok" : rule.statuses.map(\.rawValue).sorted().joined(separator: "|")
                print(
                    "  rule:     \(rule.item ?? "*") \(statuses)\(rule.summary.map { " summary \"\($0)\"" } ?? "")\(rule.vendorManaged ? " vendor-managed" : "") → \(action): \(rule.reason)"
                )
            }
        }
    }

    struct Script: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the shell script a diagnosis sends to a host (all selected plugins in one `sh -s`).",
            discussion: "Run it by hand with: triage-agent plugins script --checks disk | ssh HOST sh -s")
        @OptionGroup var what: DiagnosisOptions

        func run() throws {
            let diagnosis = try what.diagnosis(ssh: nil)
            let plugins = try diagnosis.selectedPlugins()
            let text = PluginRunner.bundleText(plugins, overrides: try diagnosis.overrides(for: "", plugins: plugins))
            StandardStreams.write(STDOUT_FILENO, text)
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check plugin folders: manifest schema and `sh -n` on the scripts.")
        @Argument(help: "A plugin folder, or a folder of plugin folders.") var directory: String

        func run() throws {
            let problems = PluginLinter.lint(directory: directory)
            for problem in problems { print(problem) }
            if problems.isEmpty { print("ok") } else { throw ExitCode(1) }
        }
    }
}
