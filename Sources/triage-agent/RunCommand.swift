import ArgumentParser
import TriageAgent

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Push mode: diagnose this machine on a schedule and deliver the reports to the coordinator.",
        discussion: """
            Reports are spooled on disk before they are sent and delivered oldest first, each once; \
            while the coordinator is unreachable they wait (bounded by spool.max_reports and \
            spool.max_bytes; the oldest are dropped and counted). SIGTERM or SIGINT finishes the \
            cycle under way, tries one last delivery and exits 0. A configuration error exits 78. Example:
              triage-agent run --config /etc/triage-agent/agent.yaml
            """
    )

    @Option(name: .long, help: "Agent configuration YAML (coordinator, token_file, host, interval, checks, spool, …).")
    var config: String

    @Flag(name: .long, help: "Load the configuration and the plugins, say what would run, and exit (0, or 78 on an error).")
    var check = false

    func run() async throws {
        let agent: PushAgent
        do {
            let configuration = try AgentConfiguration.load(file: config)
            let catalog = PluginSource.catalog(configuration.pluginDirectories)
            if check {
                let (diagnosis, _) = try PushAgent.prepare(configuration, catalog: catalog)
                let plugins = try diagnosis.selectedPlugins().map(\.name).joined(separator: ", ")
                print("\(config): \(configuration.host) runs \(plugins) every \(configuration.interval) s for \(configuration.coordinator)")
                return
            }
            agent = try PushAgent(configuration: configuration, catalog: catalog, log: { printError($0) })
        } catch {
            printError("triage-agent: \(error)")
            throw ExitCode(78)
        }
        await runUntilSignalled(agent.run)
    }
}

/// Runs a long-lived loop until SIGTERM or SIGINT starts its graceful stop; it logs its own lines
/// to stderr.
func runUntilSignalled(_ run: (Shutdown) async -> Void) async {
    let shutdown = Shutdown()
    let signals = shutdown.onSignals()
    await run(shutdown)
    withExtendedLifetime(signals) {}
}
