import ArgumentParser
import TriageAgent

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collector: run diagnosis jobs and agentless health checks over SSH for the hosts of a collector token's scope.",
        discussion: """
            Long-polls the coordinator for "Diagnose now" jobs of the hosts in the token's scope that \
            have no live push agent, runs them over SSH (keys, ssh-agent, ssh_config with ProxyJump, \
            known_hosts checked strictly) and posts the results under each job's lease. With \
            health.every (or per site or host) it also checks those hosts on a schedule and posts \
            health reports; a host it cannot reach is one item, collector/ssh. SIGTERM or SIGINT \
            finishes the jobs under way and exits 0; a configuration error exits 78. Example:
              triage-agent collect --config /etc/triage-agent/collector.yaml
            """
    )

    @Option(name: .long, help: "Collector configuration YAML (coordinator, token_file, ssh, health, …).")
    var config: String

    @Flag(name: .long, help: "Load the configuration and the plugins, say what would run, and exit (0, or 78 on an error).")
    var check = false

    func run() async throws {
        let collector: Collector
        do {
            let configuration = try CollectorConfiguration.load(file: config)
            let catalog = PluginSource.catalog(configuration.pluginDirectories)
            collector = try Collector(configuration: configuration, catalog: catalog, log: { printError($0) })
            if check {
                let plugins = configuration.checks.isEmpty ? catalog.names : configuration.checks
                print(
                    "\(config): collects for \(configuration.coordinator) with \(plugins.joined(separator: ", ")), "
                        + "\(configuration.concurrency) hosts at a time")
                return
            }
        } catch {
            printError("triage-agent: \(error)")
            throw ExitCode(78)
        }
        await runUntilSignalled(collector.run)
    }
}
