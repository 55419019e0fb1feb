import TriageChecks
import TriageModel
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `triage-agent diagnose`: run the selected plugins on a host (over SSH, or here with
/// `--local`), apply their triage rules, and produce a DiagnosticReport.
public struct Diagnosis: Sendable {
    public static let agentVersion = "0.1.0"

    public var catalog: PluginCatalog
    /// Plugin names to run; empty runs every plugin in the catalog.
    public var checks: [String] = []
    /// `--param plugin.name=value`, which win over the inventory's.
    public var params: [String: String] = [:]
    public var inventory = Inventory()
    public var resolve = SSHResolveOptions()
    public var timeouts = SSHTimeouts()
    public var credentials = SSHCredentials.fromEnvironment
    /// Told what is worth telling the user besides the report (a host key recorded by accept-new).
    public var notice: @Sendable (String) -> Void = { _ in }

    public init(catalog: PluginCatalog) { self.catalog = catalog }

    /// The plugins to run, or an error naming what is unknown.
    public func selectedPlugins() throws(DiagnosisError) -> [PluginManifest] {
        if catalog.plugins.isEmpty {
            throw DiagnosisError(
                "no plugins found (looked in \(catalog.directories.joined(separator: ", "))): "
                    + "name their folder with --plugins-dir, or plugins: in the configuration")
        }
        if checks.isEmpty { return catalog.names.compactMap { catalog.plugins[$0] } }
        let unknown = checks.filter { catalog.plugins[$0] == nil }
        guard unknown.isEmpty else {
            throw DiagnosisError(
                "unknown check(s): \(unknown.joined(separator: ", ")); available: \(catalog.names.joined(separator: ", "))")
        }
        return checks.map { catalog.plugins[$0]! }
    }

    /// Per-plugin parameter overrides for `host`: the inventory's, then `--param`. Every name
    /// must be one the plugin declares, so that a typo is an error and not a silent default.
    public func overrides(for host: String, plugins: [PluginManifest]) throws(DiagnosisError) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        let merged = (inventory.hosts[host]?.params ?? [:]).merging(params) { $1 }
        for (key, value) in merged {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let plugin = catalog.plugins[parts[0]] else {
                throw DiagnosisError("parameter '\(key)' must be plugin.name with a known plugin (e.g. disk.space_crit)")
            }
            guard plugin.params.contains(where: { $0.name == parts[1] }) else {
                throw DiagnosisError(
                    "plugin \(parts[0]) has no parameter '\(parts[1])' (it has: \(plugin.params.map(\.name).joined(separator: ", ")))")
            }
            if plugins.contains(where: { $0.name == plugin.name }) { result[parts[0], default: [:]][parts[1]] = value }
        }
        return result
    }

    /// Diagnoses this machine.
    public func runLocal(host: String) throws(DiagnosisError) -> DiagnosticReport {
        let plugins = try selectedPlugins()
        let overrides = try overrides(for: host, plugins: plugins)
        let started = (Date(), ContinuousClock.now)
        let outcome = PluginRunner.run(plugins, overrides: overrides, transport: LocalShell())
        return report(host: host, started: started, outcome)
    }

    /// Diagnoses `host` over one SSH connection. Connection, host key and authentication
    /// failures are in the report's errors (status unknown), not thrown. On an `EventLoop`
    /// every wait suspends, so one thread diagnoses many hosts at once (see `Sweep`).
    public func runRemote(host: String) async throws(DiagnosisError) -> DiagnosticReport {
        let plugins = try selectedPlugins()
        let overrides = try overrides(for: host, plugins: plugins)
        let target = inventory.hosts[host]?.target ?? host
        let started = (Date(), ContinuousClock.now)
        let outcome: PluginRunner.Outcome
        do {
            let destination = try SSHDestination.resolve(target, options: resolve)
            let connection = try await SSHConnection.connect(to: destination, credentials: credentials, timeouts: timeouts)
            if connection.addedKnownHostsLine != nil {
                notice(RemoteExec.addedKeyNotice(connection: connection, destination: destination))
            }
            outcome = await PluginRunner.run(plugins, overrides: overrides, transport: SSHShell(connection: connection))
        } catch {
            outcome = PluginRunner.Outcome(checks: [], errors: [ReportError(message: "\(error)")])
        }
        return report(host: host, started: started, outcome)
    }

    /// `runRemote` for a caller that is not a task: blocks this thread until it is done.
    public func runRemote(host: String) throws(DiagnosisError) -> DiagnosticReport {
        try EventLoop.blocking { () async throws(DiagnosisError) in try await runRemote(host: host) }
    }

    private func report(host: String, started: (Date, ContinuousClock.Instant), _ outcome: PluginRunner.Outcome) -> DiagnosticReport {
        let rules = Dictionary(uniqueKeysWithValues: catalog.plugins.map { ($0.key, $0.value.rules) })
        let recommendation = TriageEngine.recommend(
            outcome.checks, rules: rules,
            vendorManaged: inventory.hosts[host]?.vendorManaged ?? [:])
        let elapsed = started.1.duration(to: .now)
        return DiagnosticReport(
            host: host, startedAt: started.0,
            durationMs: Int(elapsed.wholeMilliseconds),
            agentVersion: Self.agentVersion, checks: outcome.checks, recommendation: recommendation,
            errors: outcome.errors)
    }
}

public struct DiagnosisError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
