import Foundation
import TestSupport
import Testing

@testable import TriageCoordinator

/// A real Prometheus Alertmanager (Debian's prometheus-alertmanager, started here without
/// systemd, no cluster) routes to a real `triage serve` with a token of the alertmanager role:
/// alerts added with amtool, grouped by host, open one ticket; ending them resolves it.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct AlertmanagerProcessTests {
    static let binary = "/usr/bin/prometheus-alertmanager"

    @Test func firingGroupedAndResolvedAlertsOpenAndResolveOneTicket() async throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        let customer = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#).json["id"] as? Int ?? 0
        let site = try serve.request("POST", "/api/v1/sites", #"{"customerId": \#(customer), "name": "HQ"}"#).json["id"] as? Int ?? 0
        let host = try serve.request("POST", "/api/v1/hosts", #"{"siteId": \#(site), "name": "db7"}"#).json["id"] as? Int ?? 0
        let made = try Shell.run(
            builtProduct("triage"), ["token", "create", "--role", "alertmanager", "--name", "prometheus", "--data", serve.data])
        #expect(made.status == 0, "\(made.stderr)")
        let tokenFile = folder.path + "/am-token"
        try made.stdout.trimmingCharacters(in: .whitespacesAndNewlines).write(toFile: tokenFile, atomically: true, encoding: .utf8)

        let port = try TestSSHD.freePort()
        let config = folder.path + "/am.yml"
        try """
        route: {receiver: triage, group_by: [instance], group_wait: 2s, group_interval: 2s, repeat_interval: 1h}
        receivers:
          - name: triage
            webhook_configs:
              - url: \(serve.url)/api/v1/alertmanager
                send_resolved: true
                http_config: {authorization: {type: Bearer, credentials_file: \(tokenFile)}}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let alertmanager = try ChildProcess(
            Self.binary,
            [
                "--config.file=\(config)", "--storage.path=\(folder.path)/am-data", "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=",
            ], stdout: folder.path + "/am.out", stderr: folder.path + "/am.err")
        defer { alertmanager.terminate() }
        let am = "http://127.0.0.1:\(port)"
        #expect(
            try await waitFor(seconds: 30) { try Shell.run("/usr/bin/curl", ["-sf", am + "/-/ready"]).status == 0 },
            "Alertmanager ready: \((try? String(contentsOfFile: folder.path + "/am.err", encoding: .utf8)) ?? "")")
        func amtool(_ arguments: [String]) throws {
            let run = try Shell.run("/usr/bin/amtool", ["--alertmanager.url=\(am)", "alert", "add"] + arguments)
            #expect(run.status == 0, "amtool: \(run.stderr)")
        }
        func checks() throws -> [[String: Any]] {
            try serve.request("GET", "/api/v1/hosts/\(host)/checks").json["items"] as? [[String: Any]] ?? []
        }

        // Two alerts about db7:9100 in one group: one ticket with both problems.
        try amtool(["DiskFull", "instance=db7:9100", "severity=critical", "--annotation=summary=/var 97% full"])
        try amtool(["HighLoad", "instance=db7:9100", "severity=warning", "--annotation=summary=load 31 on 8 cores"])
        #expect(try await waitFor(seconds: 30) { try checks().filter { $0["ticketId"] is Int }.count == 2 }, "both items on a ticket")
        let items = try checks()
        let tickets = Set(items.compactMap { $0["ticketId"] as? Int })
        #expect(tickets.count == 1, "one ticket for the host's problems: \(items)")
        let ticket = try #require(tickets.first)
        #expect(Set(items.compactMap { $0["status"] as? String }) == ["critical", "warning"])
        #expect(items.contains { $0["summary"] as? String == "/var 97% full" })

        // Ended: Alertmanager sends them resolved, and the ticket resolves at once.
        let past = ISO8601DateFormatter().string(from: Date() - 1)
        try amtool(["DiskFull", "instance=db7:9100", "severity=critical", "--end=\(past)"])
        try amtool(["HighLoad", "instance=db7:9100", "severity=warning", "--end=\(past)"])
        #expect(
            try await waitFor(seconds: 30) {
                try serve.request("GET", "/api/v1/tickets/\(ticket)").json["status"] as? String == "resolved"
            }, "resolved on resolved")
        let events = try serve.request("GET", "/api/v1/tickets/\(ticket)/events?limit=200").json["items"] as? [[String: Any]] ?? []
        #expect(events.filter { $0["type"] as? String == "recovered" }.count == 2)
        #expect(try serve.request("GET", "/api/v1/tickets?limit=200").json["items"] as? [Any] != nil)
        let all = try serve.request("GET", "/api/v1/tickets?limit=200").json["items"] as? [[String: Any]] ?? []
        #expect(all.filter { $0["hostId"] as? Int == host }.count == 1, "no ticket doubled")
    }
}
