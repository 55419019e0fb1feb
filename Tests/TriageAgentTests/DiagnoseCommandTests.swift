import Foundation
import TestSupport
import Testing
import TriageModel

/// `triage-agent diagnose` as technicians and schedulers run it: the real binary, the
/// repository's plugins, a real sshd.
@Suite struct DiagnoseCommandTests {
    let sshd: TestSSHD
    let knownHosts: String
    init() throws {
        sshd = try TestSSHD()
        knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
    }

    static let plugins = ShippedPlugins.folder

    func diagnose(_ arguments: [String]) throws -> Shell.Output {
        try Shell.run(
            RemoteExecTests.binary, ["diagnose"] + arguments + ["--plugins-dir", Self.plugins], environment: ["SSH_AUTH_SOCK": ""])
    }

    var ssh: [String] { ["127.0.0.1:\(sshd.port)", "-i", sshd.clientKey, "--known-hosts", knownHosts] }

    @Test func jsonOverSSHDecodesAsADiagnosticReport() throws {
        let result = try diagnose(ssh + ["--checks", "disk", "--format", "json"])
        let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(result.stdout.utf8))
        #expect(report.host == "127.0.0.1:\(sshd.port)")
        #expect(report.errors.isEmpty)
        #expect(report.checks.contains { $0.plugin == "disk" && $0.item == "fs /" })
        #expect(result.status == report.status.exitCode)
    }

    @Test func aParameterOverrideChangesTheVerdictAndTheExitCode() throws {
        // Every real filesystem is above 0 % used, so a 0 % critical level makes "fs /" critical.
        let result = try diagnose(ssh + ["--checks", "disk", "--param", "disk.space_warn=0%", "--param", "disk.space_crit=0%"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("CRITICAL disk"))
        #expect(result.stdout.contains("Recommendation: fix remotely at tier 1"))
        #expect(result.stdout.contains("Filesystem nearly full: clean up remotely (disk fs /: critical"))
    }

    @Test func acceptNewSaysWhatItRecorded() throws {
        let fresh = sshd.folder.path + "/fresh"
        let result = try diagnose([
            "127.0.0.1:\(sshd.port)", "-i", sshd.clientKey, "--known-hosts", fresh, "--accept-new", "--checks", "disk",
        ])
        #expect(result.stderr.contains("permanently added '[127.0.0.1]:\(sshd.port)'"))
        #expect(result.stdout.contains("disk"))
    }

    @Test func nagiosFormatForSchedulers() throws {
        let result = try diagnose(ssh + ["--checks", "disk", "--format", "nagios"])
        let first = try #require(result.stdout.split(separator: "\n").first)
        #expect(first.hasPrefix("TRIAGE "))
        #expect(first.contains(" | 'disk fs / used'="))
    }

    @Test func anUnreachableHostIsUnknownInTheReport() throws {
        let closed = try TestSSHD.freePort()
        let result = try diagnose(["127.0.0.1:\(closed)", "-i", sshd.clientKey, "--known-hosts", knownHosts, "--format", "json"])
        #expect(result.status == 3)
        let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(result.stdout.utf8))
        #expect(report.status == .unknown)
        #expect(report.errors.first?.message.contains("connection refused") == true)
    }

    @Test func localDiagnosisAndInputErrors() throws {
        let local = try diagnose(["--local", "--checks", "disk", "--format", "json"])
        let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(local.stdout.utf8))
        #expect(report.checks.contains { $0.item == "fs /" })

        let unknownCheck = try diagnose(["--local", "--checks", "disk,nope"])
        #expect(unknownCheck.status == 3)
        #expect(unknownCheck.stderr.contains("unknown check(s): nope"))
        let unknownParam = try diagnose(["--local", "--param", "disk.colour=red"])
        #expect(unknownParam.stderr.contains("plugin disk has no parameter 'colour'"))
        let noHost = try diagnose([])
        #expect(noHost.status == 64 && noHost.stderr.contains("name at least one host, or use --local"))
    }

    @Test func inventoryNamesAHostAndItsParameters() throws {
        let inventory = sshd.folder.path + "/inventory.yaml"
        try """
        hosts:
          lab1:
            address: 127.0.0.1
            port: \(sshd.port)
            criticality: high
            params:
              disk.space_crit: "0%"
        """.write(toFile: inventory, atomically: true, encoding: .utf8)
        let result = try diagnose(["lab1", "--inventory", inventory, "-i", sshd.clientKey, "--known-hosts", knownHosts, "--checks", "disk"])
        #expect(result.stdout.hasPrefix("lab1: CRITICAL"))
        #expect(result.status == 2)

        try "hosts:\n  lab1:\n    port: seventy\n".write(toFile: inventory, atomically: true, encoding: .utf8)
        let broken = try diagnose(["lab1", "--inventory", inventory])
        #expect(broken.status == 3)
        #expect(broken.stderr.contains("inventory.yaml:3: port must be 1–65535"))
    }

    @Test func networkOverSSHToAHostInANetworkNamespace() throws {
        let namespace = try TestNetworkNamespace()
        let host = try TestSSHD(namespace: namespace)
        let knownHosts = try host.knownHostsFile([try host.knownHostsLine()])
        let result = try diagnose([
            "\(host.address):\(host.port)", "-i", host.clientKey, "--known-hosts", knownHosts,
            "--checks", "network", "--param", "network.dns_names=no-such-name.invalid", "--format", "json",
        ])
        let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(result.stdout.utf8))
        #expect(report.checks.first { $0.item == "gateway" }?.summary == "default gateway \(namespace.hostAddress) answers")
        #expect(report.checks.first { $0.item == "dns" }?.status == .critical)
        #expect(report.recommendation.tier == 1)
        #expect(report.recommendation.reasons.contains { $0.item == "dns" && $0.reason.hasPrefix("Name resolution fails") })
    }

    static let examples = URL(fileURLWithPath: plugins).deletingLastPathComponent().appendingPathComponent("Deploy/examples/plugins").path

    @Test func aRealMonitoringPluginAndACheckmkLocalCheckRunUnchanged() throws {
        let result = try diagnose(
            ssh + [
                "--plugins-dir", Self.examples, "--checks", "nagios-disk,nagios-load,checkmk-local",
                "--param", "nagios-disk.crit=99%", "--param", "nagios-disk.warn=99.5%",
                // thresholds no busy CI machine reaches (a 3.6 load once made it WARNING)
                "--param", "nagios-load.warn=500,400,300", "--param", "nagios-load.crit=1000,800,600",
                "--format", "json",
            ])
        let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(result.stdout.utf8))
        let disk = try #require(report.checks.first { $0.plugin == "nagios-disk" })
        #expect(disk.item == "fs /")
        #expect(disk.status == .critical)  // less than 99 % free: check_disk's own verdict, from its exit code
        #expect(disk.summary.hasPrefix("DISK CRITICAL - free space: /"))
        #expect(disk.metrics.first?.name == "/" && disk.metrics.first?.unit == "B")
        let load = try #require(report.checks.first { $0.plugin == "nagios-load" })
        #expect(load.summary.hasPrefix("LOAD OK - total load average:"))
        #expect(load.metrics.map(\.name) == ["load1", "load5", "load15"])
        let local = report.checks.filter { $0.plugin == "checkmk-local" }.map(\.item)
        #expect(local == ["Hostname", "Load 1min", "Processes"])
        #expect(report.recommendation.reasons.first?.reason.hasPrefix("check_disk reports the filesystem nearly full") == true)
        #expect(result.status == 2)
    }

    @Test func servicesOverSSHSeeTheHostsOwnProcesses() throws {
        let result = try diagnose(
            ssh + [
                "--checks", "services", "--param", "services.processes=sshd",
                "--param", "services.ports=\(sshd.port)", "--format", "json",
            ])
        let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(result.stdout.utf8))
        #expect(report.checks.first { $0.item == "process sshd" }?.status == .ok)
        #expect(report.checks.first { $0.item == "port \(sshd.port)" }?.status == .ok)
        #expect(report.status == .ok && result.status == 0)
    }
}
