import Foundation
import TestSupport
import Testing
import TriageChecks
import TriageModel

/// The network plugin on a saved /sys/class/net tree and routing table, and for real inside a
/// network namespace the test makes (no packet leaves it but to the namespace's own peer).
@Suite struct NetworkPluginTests {
    let network: PluginManifest
    init() throws { network = try PluginFixtures.plugin("network") }

    func runOnFixtures(
        ping: String = "true", resolve: String = "printf '10.0.0.1 STREAM x\\n'", timesync: String = "timedatectl-synced.txt",
        overrides: [String: String] = [:]
    ) -> PluginRunner.Outcome {
        let folder = PluginFixtures.fixtures + "/network"
        let sources = [
            "TRIAGE_SRC_NET": folder + "/net", "TRIAGE_SRC_ROUTE": folder + "/route.txt",
            "TRIAGE_SRC_TIMESYNC": folder + "/" + timesync, "TRIAGE_CMD_PING": ping, "TRIAGE_CMD_RESOLVE": resolve,
        ]
        return PluginRunner.run(
            [network], overrides: ["network": overrides], transport: SourcedTransport(inner: LocalShell(), sources: sources))
    }

    @Test func interfaces() throws {
        let checks = runOnFixtures().checks
        let eno1 = try #require(checks.item("if eno1"))
        #expect(eno1.status == .ok)
        #expect(eno1.summary == "eno1 up, 1000 Mb/s, 3 errors and 17 drops in 2765430 packets")
        #expect(eno1.metrics.map(\.name) == ["errors", "drops", "speed"])
        #expect(checks.item("if eno2")?.status == .critical)  // physical, up, no carrier
        #expect(checks.item("if eno3")?.status == .ok)  // administratively down is a choice
        #expect(checks.item("if enp4s0")?.status == .warning)  // 900 errors in 90000 packets
        #expect(checks.item("if docker0") == nil && checks.item("if lo") == nil)
    }

    @Test func slowLinksWarnWhenAskedTo() {
        let checks = runOnFixtures(overrides: ["min_speed_mbps": "1000", "error_ratio_warn": "0.5"]).checks
        #expect(checks.item("if eno1")?.status == .ok)
        #expect(checks.item("if enp4s0")?.status == .warning)
        #expect(checks.item("if enp4s0")?.summary.hasSuffix("speed 100 Mb/s below 1000") == true)
    }

    @Test func gatewayDnsAndTimeSync() {
        let good = runOnFixtures().checks
        #expect(good.item("gateway")?.summary == "default gateway 192.168.2.1 answers")
        #expect(good.item("dns")?.status == .ok)
        #expect(good.item("time sync")?.status == .ok)

        let bad = runOnFixtures(ping: "false", resolve: "false", timesync: "timedatectl-unsynced.txt").checks
        #expect(bad.item("gateway")?.status == .critical)
        #expect(bad.item("dns")?.status == .critical)
        #expect(bad.item("time sync")?.status == .warning)
    }

    @Test func theRulesSendAPersonForADeadPortAndNameTheProviderWhenTheInventoryDoes() {
        let outcome = runOnFixtures(ping: "false", resolve: "false")
        let plain = TriageEngine.recommend(outcome.checks, rules: ["network": network.rules])
        #expect(plain.onsite)
        #expect(plain.tier == 2)
        #expect(plain.reasons.contains { $0.item == "gateway" && $0.flag == .tier })
        #expect(plain.reasons.contains { $0.item == "dns" && $0.flag == .tier && $0.tier == 1 })
        let withProvider = TriageEngine.recommend(
            outcome.checks, rules: ["network": network.rules],
            vendorManaged: ["gateway": "Deutsche Telekom"])
        #expect(withProvider.vendors == ["Deutsche Telekom"])
    }

    @Test func tcpEndpointsAgainstRealLoopbackPorts() throws {
        let sshd = try TestSSHD()
        let closed = try TestSSHD.freePort()
        let outcome = runOnFixtures(overrides: ["tcp_endpoints": "127.0.0.1:\(sshd.port) 127.0.0.1:\(closed)"])
        #expect(outcome.checks.item("tcp 127.0.0.1:\(sshd.port)")?.status == .ok)
        #expect(outcome.checks.item("tcp 127.0.0.1:\(closed)")?.status == .critical)
    }

    @Test func forRealInsideANetworkNamespace() throws {
        let namespace = try TestNetworkNamespace()
        let script = PluginRunner.scriptText(
            for: network, parameters: network.parameters(overriding: ["dns_names": "no-such-name.invalid"]))
        let file = try TempFolder()
        try Data(script).write(to: URL(fileURLWithPath: file.path + "/check.sh"))
        let result = try namespace.run("/bin/sh", [file.path + "/check.sh"])
        let checks = LocalCheckParser.parse(plugin: "network", output: result.stdout)
        #expect(checks.item("if eth0")?.status == .ok)  // the veth carries the default route
        #expect(checks.item("gateway")?.summary == "default gateway \(namespace.hostAddress) answers")
        #expect(checks.item("dns")?.status == .critical)  // the namespace's resolver is our veth, which has no DNS
        #expect(checks.allSatisfy { $0.item != "output" })
    }
}
