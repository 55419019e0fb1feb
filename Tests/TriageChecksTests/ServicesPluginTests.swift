import Foundation
import TestSupport
import Testing
import TriageChecks
import TriageModel

/// The services plugin: the systemd path on saved `systemctl` output, the non-systemd path on
/// real processes and ports of this machine (where systemd is not PID 1).
@Suite struct ServicesPluginTests {
    let services: PluginManifest
    init() throws { services = try PluginFixtures.plugin("services") }

    func runSystemd() -> PluginRunner.Outcome {
        let folder = PluginFixtures.fixtures + "/services"
        let sources = [
            "TRIAGE_SRC_SYSTEMD": "yes", "TRIAGE_SRC_SYSTEMCTL_SHOW": folder + "/systemctl-show.txt",
            "TRIAGE_SRC_FAILED": folder + "/systemctl-failed.txt",
        ]
        let units = "nginx.service postgresql@15-main.service worker.service cron.service legacy-app.service"
        return PluginRunner.run(
            [services], overrides: ["services": ["units": units]],
            transport: SourcedTransport(inner: LocalShell(), sources: sources))
    }

    @Test func configuredUnits() throws {
        let checks = runSystemd().checks
        #expect(checks.item("unit nginx.service")?.status == .ok)
        #expect(checks.item("unit nginx.service")?.summary == "nginx.service is active (running)")
        #expect(
            checks.item("unit postgresql@15-main.service")?.summary == "postgresql@15-main.service failed (Result=exit-code, 0 restarts)")
        #expect(checks.item("unit worker.service")?.status == .critical)
        #expect(checks.item("unit worker.service")?.summary.contains("crash loop (27 restarts") == true)
        #expect(checks.item("unit cron.service")?.status == .warning)
        #expect(checks.item("unit cron.service")?.metrics.first == Metric(name: "restarts", value: 4, warn: "3", crit: "10"))
        #expect(checks.item("unit legacy-app.service")?.status == .warning)
    }

    @Test func everyFailedUnitIsReported() throws {
        let checks = runSystemd().checks
        #expect(checks.item("unit smartd.service")?.status == .critical)  // failed, though nobody listed it
        #expect(checks.filter { $0.item == "unit postgresql@15-main.service" }.count == 1)  // listed once
        #expect(checks.item("failed units")?.summary == "2 failed: postgresql@15-main.service smartd.service")
    }

    @Test func vendorManagedCrashLoopAndPlainFailures() {
        let outcome = runSystemd()
        let recommendation = TriageEngine.recommend(
            outcome.checks, rules: ["services": services.rules],
            vendorManaged: ["postgresql@15-main.service": "Acme DB Support"])
        #expect(recommendation.vendors == ["Acme DB Support"])
        let byItem = Dictionary(grouping: recommendation.reasons, by: \.item)
        #expect(byItem["unit postgresql@15-main.service"]?.first?.flag == .vendor)
        #expect(byItem["unit worker.service"]?.first?.tier == 2)
        #expect(byItem["unit smartd.service"]?.first?.tier == 1)
        #expect(recommendation.tier == 2)
        #expect(!recommendation.onsite)
        // The inventory may name the service without ".service".
        let short = TriageEngine.recommend(outcome.checks, rules: ["services": services.rules], vendorManaged: ["postgresql@15-main": "X"])
        #expect(short.vendors == ["X"])
    }

    @Test func withoutSystemdOnRealProcessesAndPorts() throws {
        let sshd = try TestSSHD()
        let closed = try TestSSHD.freePort()
        let outcome = PluginRunner.run(
            [services], overrides: ["services": ["processes": "sshd no-such-daemon", "ports": "\(sshd.port) \(closed)"]],
            transport: SourcedTransport(inner: LocalShell(), sources: ["TRIAGE_SRC_SYSTEMD": "no"]))
        let checks = outcome.checks
        #expect(checks.item("process sshd")?.status == .ok)
        #expect(checks.item("process no-such-daemon")?.status == .critical)
        #expect(checks.item("port \(sshd.port)")?.status == .ok)
        #expect(checks.item("port \(closed)")?.status == .critical)
        #expect(outcome.errors.isEmpty)
        let recommendation = TriageEngine.recommend(checks, rules: ["services": services.rules])
        #expect(recommendation.reasons.map(\.item).sorted() == ["port \(closed)", "process no-such-daemon"])
    }
}

/// List parameters are data: `units: "-H root@evil"` must not reach systemctl as an option, and a
/// glob must not expand.
@Suite struct PluginListParameterTests {
    @Test func unitNamesAreOperandsNeverOptions() throws {
        let services = try PluginFixtures.plugin("services")
        let folder = try TempFolder()
        // A systemctl that records its arguments, one per line, first in PATH.
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > \(folder.path)/args\n".write(
            toFile: folder.path + "/systemctl", atomically: true, encoding: .utf8)
        chmod(folder.path + "/systemctl", 0o755)
        try "".write(toFile: folder.path + "/failed", atomically: true, encoding: .utf8)
        let sources = ["TRIAGE_SRC_SYSTEMD": "yes", "TRIAGE_SRC_FAILED": folder.path + "/failed", "PATH": folder.path + ":/usr/bin:/bin"]
        let outcome = PluginRunner.run(
            [services], overrides: ["services": ["units": "-H root@evil nginx.service * --host=x"]],
            transport: SourcedTransport(inner: LocalShell(), sources: sources))
        let args = try String(contentsOfFile: folder.path + "/args", encoding: .utf8).split(separator: "\n").map(String.init)
        let operands = Array(args.drop { $0 != "--" }.dropFirst())
        #expect(operands == ["root@evil", "nginx.service"], "\(args)")
        #expect(!args.contains("-H") && !args.contains("*") && !args.contains("--host=x"))
        let refused = outcome.checks.filter { $0.summary.hasPrefix("refused") }.map(\.item)
        #expect(refused == ["unit -H", "unit _", "unit --host_x"], "\(outcome.checks)")
        #expect(outcome.checks.allSatisfy { $0.plugin == "services" })
    }

    @Test func portsAndEndpointsAreValidatedToo() throws {
        let network = try PluginFixtures.plugin("network")
        let outcome = PluginRunner.run(
            [network], overrides: ["network": ["dns_names": "-x *", "tcp_endpoints": "$(id):1"]],
            transport: SourcedTransport(inner: LocalShell(), sources: ["TRIAGE_CMD_RESOLVE": "false"]))
        let refused = outcome.checks.filter { $0.summary.hasPrefix("refused") }.map(\.item)
        #expect(refused == ["dns -x", "dns _", "tcp __id_:1"], "\(outcome.checks)")
    }
}
