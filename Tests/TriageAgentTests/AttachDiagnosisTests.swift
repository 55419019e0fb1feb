import Foundation
import TestSupport
import Testing

/// Flow 1 of docs/ARCHITECTURE.md with real processes: `triage-agent diagnose --ticket` over a real sshd,
/// attached to a ticket of a real `triage serve`, and the ticket acting on it.
@Suite struct AttachDiagnosisTests {
    static let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")

    @Test func diagnoseAttachesToATicketThatAsksForTheSkillAndChangesHands() throws {
        let sshd = try TestSSHD()
        let knownHosts = try sshd.knownHostsFile([try sshd.knownHostsLine()])
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }

        let customer = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#).json["id"] as? Int ?? 0
        let site = try serve.request("POST", "/api/v1/sites", #"{"customerId": \#(customer), "name": "HQ"}"#).json["id"] as? Int ?? 0
        let host = try serve.request("POST", "/api/v1/hosts", #"{"siteId": \#(site), "name": "lab1"}"#).json["id"] as? Int ?? 0
        _ = try serve.request("POST", "/api/v1/hosts", #"{"siteId": \#(site), "name": "lab2"}"#)
        let una =
            try serve.request(
                "POST", "/api/v1/technicians",
                #"{"name": "Una", "tier": 1, "skills": ["network"], "shifts": [\#(Self.always)]}"#
            ).json["id"] as? Int
        let sam =
            try serve.request(
                "POST", "/api/v1/technicians",
                #"{"name": "Sam", "tier": 1, "skills": ["storage"], "shifts": [\#(Self.always)]}"#
            ).json["id"] as? Int
        let created = try serve.request("POST", "/api/v1/tickets", #"{"title": "lab1 slow", "severity": 3, "hostId": \#(host)}"#)
        #expect(created.status == 201)
        #expect(created.json["assigneeId"] as? Int == una)
        let ticket = created.json["id"] as? Int ?? 0

        func diagnose(coordinator: String = serve.url, token: String = serve.adminToken) throws -> Shell.Output {
            try Shell.run(
                RemoteExecTests.binary,
                [
                    "diagnose", "127.0.0.1:\(sshd.port)", "-i", sshd.clientKey, "--known-hosts", knownHosts,
                    "--plugins-dir", DiagnoseCommandTests.plugins, "--checks", "disk",
                    "--param", "disk.space_warn=0%", "--param", "disk.space_crit=0%",
                    "--ticket", String(ticket), "--coordinator", coordinator,
                ], environment: ["SSH_AUTH_SOCK": "", "TRIAGE_TOKEN": token])
        }
        let result = try diagnose()
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("attached the report on 127.0.0.1:\(sshd.port) to ticket \(ticket)"))

        // The disk plugin failed: the ticket needs storage now, which Una lacks and Sam has.
        let after = try serve.request("GET", "/api/v1/tickets/\(ticket)").json
        #expect(after["requiredSkills"] as? [String] == ["storage"])
        #expect(after["assigneeId"] as? Int == sam)
        #expect((after["flags"] as? [String: Any])?["onsite"] as? Bool == false)
        let diagnostics = try serve.request("GET", "/api/v1/tickets/\(ticket)/diagnostics").json["items"] as? [[String: Any]] ?? []
        let checks = ((diagnostics.first?["report"] as? [String: Any])?["checks"] as? [[String: Any]]) ?? []
        #expect(diagnostics.count == 1)
        #expect(checks.contains { $0["item"] as? String == "fs /" && $0["status"] as? String == "critical" })
        let events = try serve.request("GET", "/api/v1/tickets/\(ticket)/events").json["items"] as? [[String: Any]] ?? []
        #expect(events.map { $0["type"] as? String }.suffix(3) == ["diagnostic_attached", "skills_required", "assigned"])

        // An agent token of another host is refused, and says so; the exit status is unknown.
        let lab2 = try Shell.run(
            builtProduct("triage"),
            [
                "token", "create", "--role", "agent", "--name", "lab2-agent",
                "--host", "lab2", "--data", folder.path + "/data",
            ])
        let refused = try diagnose(token: lab2.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(refused.status == 3)
        #expect(
            refused.stderr.contains(
                "is not attached to ticket \(ticket): the coordinator refused it (403): this agent token is bound to host"))

        // No coordinator at all: a clear error, the report still printed.
        let closed = try TestSSHD.freePort()
        let offline = try diagnose(coordinator: "http://127.0.0.1:\(closed)")
        #expect(offline.status == 3)
        #expect(offline.stderr.contains("coordinator http://127.0.0.1:\(closed) is unreachable"))
        #expect(offline.stdout.contains("CRITICAL disk"))
        let kept = try serve.request("GET", "/api/v1/tickets/\(ticket)/diagnostics").json["items"] as? [[String: Any]]
        #expect(kept?.count == 1)
    }
}
