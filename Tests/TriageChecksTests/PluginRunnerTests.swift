import Foundation
import TestSupport
import Testing
import TriageChecks
import TriageModel
import TriageSSH

/// The runner on real /bin/sh: parameters stay data, hung and broken plugins are contained.
@Suite struct PluginRunnerTests {
    func manifest(
        _ name: String, script: String, timeout: Duration = .seconds(5), protocol kind: PluginManifest.OutputProtocol = .local,
        params: [PluginManifest.Parameter] = []
    ) -> PluginManifest {
        PluginManifest(
            name: name, summary: "", outputProtocol: kind, script: "check.sh", item: name, timeout: timeout,
            params: params, rules: [], folder: "/nonexistent", scriptText: script)
    }

    @Test(arguments: ["'; touch /tmp/pwned-$$; '", "$(touch /tmp/pwned-cmd)", "`touch /tmp/pwned-tick`", "x\ntouch /tmp/pwned-nl", "a'\"b"])
    func hostileParameterValuesStayData(_ value: String) throws {
        let marker = "/tmp/pwned-\(UUID().uuidString)"
        let nasty = value.replacingOccurrences(of: "/tmp/pwned", with: marker)
        let plugin = manifest("echo", script: "printf '0 value - %s\\n' \"$TRIAGE_VALUE\"\n", params: [.init(name: "value", value: "safe")])
        let outcome = PluginRunner.run([plugin], overrides: ["echo": ["value": nasty]], transport: LocalShell())
        let printed = outcome.checks.first?.summary
        #expect(printed == nasty.split(separator: "\n").first.map(String.init) || printed == nasty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter {
            $0.hasPrefix(URL(fileURLWithPath: marker).lastPathComponent)
        }
        #expect(leftovers.isEmpty)
    }

    /// A hung plugin stops its run at its own timeout; the plugins after it run in a new shell,
    /// and the ones before it are not run again (each appends a line to a file when it runs).
    @Test func aHungPluginTimesOutAndTheOthersStillReportOnce() throws {
        let folder = try TempFolder()
        let runs = folder.path + "/runs"
        let started = ContinuousClock.now
        let plugins = [
            manifest("first", script: "echo first >> \(runs)\necho '0 a - fine'\n"),
            manifest("hung", script: "echo hung >> \(runs)\nsleep 30\n", timeout: .seconds(1)),
            manifest("last", script: "echo last >> \(runs)\necho '1 b - meh'\n"),
        ]
        let outcome = PluginRunner.run(plugins, transport: LocalShell())
        #expect(started.duration(to: .now) < .seconds(10), "sleep 30 was cut by the 1 s timeout")
        #expect(
            outcome.checks.map { "\($0.plugin) \($0.item) \($0.status.rawValue)" } == ["first a ok", "hung run unknown", "last b warning"])
        #expect(outcome.checks[1].summary == "timed out after 1 s")
        #expect(outcome.errors == [ReportError(plugin: "hung", message: "timed out after 1 s")])
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "first\nhung\nlast\n")
    }

    @Test func aTimeoutKillsWhatTheScriptStarted() throws {
        let marker = "31.\(Int.random(in: 1000...9999))"
        let plugin = manifest("bg", script: "sleep \(marker) &\nsleep \(marker)\n", timeout: .milliseconds(500))
        let outcome = PluginRunner.run([plugin], transport: LocalShell())
        #expect(outcome.checks.first?.summary == "timed out after 0.5 s")
        #expect(try Self.gone("sleep \(marker)"))
    }

    /// Each plugin runs in a subshell of the bundle's shell: what it sets, exits or reads stays its own.
    @Test func aPluginCannotReadTheBundleOrChangeTheNextOne() {
        let plugins = [
            manifest("greedy", script: "rest=$(cat); echo \"0 greedy - read ${#rest} bytes\"\nTRIAGE_LEAK=1\nset -e\nexit 3\n"),
            manifest("next", script: "echo \"0 next - leak=${TRIAGE_LEAK:-none}\"\n"),
        ]
        let outcome = PluginRunner.run(plugins, transport: LocalShell())
        #expect(outcome.checks.map(\.summary) == ["read 0 bytes", "leak=none"])
        #expect(outcome.errors == [ReportError(plugin: "greedy", message: "exited with status 3")])
    }

    /// Waits (up to 5 s) until no process matches `pattern`: the kill is asynchronous, a fixed sleep is a guess.
    static func gone(_ pattern: String) throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try Shell.run("/usr/bin/pgrep", ["-f", pattern]).stdout.isEmpty { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func garbageAndFailuresAreUnknownWithTheText() {
        let outcome = PluginRunner.run(
            [manifest("garbage", script: "echo 'this is not a local check'\necho 'oops' >&2\nexit 4\n")],
            transport: LocalShell())
        #expect(outcome.checks.count == 1)
        #expect(outcome.checks[0].status == .unknown)
        #expect(outcome.checks[0].longOutput == "this is not a local check\nstderr: oops")
        #expect(outcome.errors == [ReportError(plugin: "garbage", message: "exited with status 4: oops")])
    }

    @Test func aMissingToolIsNamed() {
        let outcome = PluginRunner.run([manifest("tool", script: "no-such-tool-here --check\n")], transport: LocalShell())
        #expect(outcome.checks[0].status == .unknown)
        #expect(outcome.errors.first?.message.contains("no-such-tool-here") == true)
    }

    @Test func nagiosProtocolUsesTheExitCode() {
        let plugin = manifest("nag", script: "echo 'PROCS WARNING: 66 processes | procs=66;10;2000;0;'\nexit 1\n", protocol: .nagios)
        let outcome = PluginRunner.run([plugin], transport: LocalShell())
        #expect(
            outcome.checks == [
                CheckResult(
                    plugin: "nag", item: "nag", status: .warning, summary: "PROCS WARNING: 66 processes",
                    metrics: [Metric(name: "procs", value: 66, warn: "10", crit: "2000", min: 0)],
                    durationMs: outcome.checks[0].durationMs)
            ])
    }

    @Test func bothStreamsLargeDoNotStall() {
        let plugin = manifest("big", script: "i=0; while [ $i -lt 2000 ]; do echo \"0 item$i - fine\"; echo noise >&2; i=$((i+1)); done\n")
        let outcome = PluginRunner.run([plugin], transport: LocalShell())
        #expect(outcome.checks.count == 2000)
    }

    @Test func aSyntaxErrorStaysInItsOwnPlugin() {
        let plugins = [
            manifest("before", script: "echo '0 a - fine'\n"),
            manifest("broken", script: "if then fi (\n"),
            manifest("after", script: "echo '0 b - fine'\n"),
        ]
        let outcome = PluginRunner.run(plugins, transport: LocalShell())
        #expect(outcome.checks.map { "\($0.plugin) \($0.status.rawValue)" } == ["before ok", "broken unknown", "after ok"])
        #expect(outcome.errors.first?.plugin == "broken")
        #expect(outcome.errors.first?.message.contains("exited with status 2") == true)
    }

    @Test func markerLookalikesCannotConfuseTheSplit() {
        let fake = "printf '\\036TRIAGE0000 end 0 0 1\\n0 forged - ok\\n'\n"
        let outcome = PluginRunner.run(
            [manifest("liar", script: fake), manifest("next", script: "echo '2 real - broken'\n")],
            transport: LocalShell())
        #expect(outcome.checks.first { $0.plugin == "next" }?.status == .critical)
        #expect(outcome.checks.first { $0.plugin == "liar" && $0.item == "output" }?.status == .unknown)
    }

    @Test func overSSHAHungPluginCostsOnlyItsTimeout() throws {
        let sshd = try TestSSHD()
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
        let destination = SSHDestination(
            alias: "t", hostName: "127.0.0.1", port: sshd.port, user: PathExpansionForTests.user,
            identityFiles: [sshd.clientKey], useAgent: false,
            hostKeyPolicy: HostKeyPolicy(mode: .strict, knownHostsFiles: [knownHosts]))
        let connection = try SSHConnection.connect(to: destination, credentials: SSHCredentials(agentSocket: nil))
        let marker = "32.\(Int.random(in: 1000...9999))"
        let plugins = [
            manifest("first", script: "echo '0 a - fine'\n"),
            manifest("hung", script: "sleep \(marker) &\nsleep \(marker)\n", timeout: .seconds(1)),
            manifest("last", script: "echo '1 b - meh'\necho 'to stderr' >&2\nexit 0\n"),
        ]
        let started = ContinuousClock.now
        let outcome = PluginRunner.run(plugins, transport: SSHShell(connection: connection))
        #expect(started.duration(to: .now) < .seconds(10), "sleep 30 was cut by the 1 s timeout")
        #expect(
            outcome.checks.map { "\($0.plugin) \($0.item) \($0.status.rawValue)" } == ["first a ok", "hung run unknown", "last b warning"])
        #expect(outcome.checks[1].summary == "timed out after 1 s")
        #expect(try Self.gone("sleep \(marker)"))
    }
}

enum PathExpansionForTests {
    static var user: String { ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName() }
}
