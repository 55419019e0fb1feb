import Foundation
import TestSupport
import Testing

/// `triage-agent sweep` over 20 hosts of which 3 are dead — a closed port, a listener that
/// never speaks, a host whose key is not the one known — with a real sshd and a real
/// `triage serve` taking the reports.
@Suite struct SweepCommandTests {
    @Test func twentyHostsThreeDeadSeventeenReportsPostedInBoundedTime() throws {
        let sshd = try TestSSHD()
        let impostor = try TestSSHD()
        let silent = try SilentListener()
        defer { withExtendedLifetime(silent) {} }
        let closed = try TestSSHD.freePort()
        // The impostor answers on its port with a key other than the one known for it.
        let knownKey = try sshd.knownHostsLine().split(separator: " ").dropFirst().joined(separator: " ")
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine(), "[127.0.0.1]:\(impostor.port) \(knownKey)"])

        let live = (1...17).map { String(format: "web%02d", $0) }
        let ports = Dictionary(
            uniqueKeysWithValues: live.map { ($0, sshd.port) } + [("closed", closed), ("silent", silent.port), ("impostor", impostor.port)])
        let inventory = sshd.folder.path + "/inventory.yaml"
        try ("hosts:\n" + ports.keys.sorted().map { "  \($0): { address: 127.0.0.1, port: \(ports[$0]!) }" }.joined(separator: "\n") + "\n")
            .write(toFile: inventory, atomically: true, encoding: .utf8)

        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        _ = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#)
        _ = try serve.request("POST", "/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#)
        var ids: [String: Int] = [:]
        for name in ports.keys.sorted() {
            ids[name] =
                try serve.request("POST", "/api/v1/hosts", #"{"siteId": 1, "name": "\#(name)", "address": "127.0.0.1:\#(ports[name]!)"}"#)
                .json["id"] as? Int
        }

        let timeout = 2.0
        func sweep(_ arguments: [String]) throws -> (Shell.Output, Duration) {
            let started = ContinuousClock.now
            let output = try Shell.run(
                RemoteExecTests.binary,
                ["sweep"] + arguments + [
                    "-i", sshd.clientKey, "--known-hosts", knownHosts, "--timeout", String(timeout),
                    "--plugins-dir", DiagnoseCommandTests.plugins, "--checks", "disk", "--coordinator", serve.url,
                ], environment: ["SSH_AUTH_SOCK": "", "TRIAGE_TOKEN": serve.adminToken])
            return (output, started.duration(to: .now))
        }

        let (result, elapsed) = try sweep(["--inventory", inventory, "--concurrency", "6", "--format", "json"])
        let lines = result.stdout.split(separator: "\n")
        let reports = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 20 && reports.count == 20)
        let reached = reports.filter { !($0["checks"] as? [Any] ?? []).isEmpty }
        #expect(Set(reached.compactMap { $0["host"] as? String }) == Set(live))
        func error(_ host: String) -> String {
            let report = reports.first { $0["host"] as? String == host }
            return ((report?["errors"] as? [[String: Any]])?.first?["message"] as? String) ?? ""
        }
        #expect(error("closed").contains("refused"))
        #expect(error("silent").contains("did not complete the SSH handshake within 2 s"))
        #expect(error("impostor").contains("SHA256:"))
        for host in ["closed", "silent", "impostor"] { #expect(result.stderr.contains("triage-agent: \(host): ")) }
        #expect(result.stderr.contains("swept 20 hosts in"))
        #expect(result.stderr.contains("(3 not reached); 17 reports posted"))
        #expect(result.status == 3)
        // The silent host cost its handshake timeout, and the others went on meanwhile.
        let silentMs = reports.first { $0["host"] as? String == "silent" }?["durationMs"] as? Int ?? 0
        #expect(silentMs >= 1900 && silentMs < 3 * 1000 * Int(timeout))
        #expect(elapsed < .seconds(2 * timeout + 4), "took \(elapsed)")

        // Each reached host's report is stored once at the coordinator; the dead ones have none.
        for (name, id) in ids {
            let stored = try serve.request("GET", "/api/v1/hosts/\(id)/reports").json["items"] as? [Any] ?? []
            #expect(stored.count == (live.contains(name) ? 1 : 0), "\(name)")
        }

        // Without an inventory the coordinator's hosts are swept, at their registered addresses.
        let (table, _) = try sweep(["web01", "web02", "closed"])
        let rows = table.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows.contains { $0.hasPrefix("closed ") && $0.contains("UNKNOWN") && $0.contains("refused") })
        #expect(rows.filter { $0.hasPrefix("web0") && $0.contains("items") && !$0.contains("not posted") }.count == 2)
        #expect(table.stderr.contains("; 2 reports posted"))

        // On a terminal (util-linux `script` gives it one) a progress bar is drawn and cleared as hosts finish.
        let command =
            ([
                RemoteExecTests.binary, "sweep", "web01", "closed", "--inventory", inventory, "-i", sshd.clientKey,
                "--known-hosts", knownHosts, "--plugins-dir", DiagnoseCommandTests.plugins, "--checks", "disk",
            ])
            .map { "'\($0)'" }.joined(separator: " ")
        let terminal = try Shell.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["SSH_AUTH_SOCK": ""])
        #expect(terminal.stdout.contains("] 1/2 hosts, "))
        #expect(terminal.stdout.contains("] 2/2 hosts, 1 not reached, "))
        #expect(terminal.stdout.contains("\r\u{1b}[K"))
        #expect(terminal.stdout.contains("swept 2 hosts in"))
    }
}
