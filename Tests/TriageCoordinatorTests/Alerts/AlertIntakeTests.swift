import Foundation
import HTTPTypes
import Testing

@testable import TriageAPI
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageStorage

/// Alertmanager's webhook in one process, on a real SQLite file: alerts become health items of
/// the hosts they name, open one ticket per host problem at once, resolve it at once, repeats
/// change nothing, unknown hosts are listed and mapped. AlertmanagerProcessTests does it with a
/// real Alertmanager.
@Suite struct AlertIntakeTests {
    static func notification(
        _ status: String, _ alerts: [(name: String, instance: String, status: String, fingerprint: String)], severity: String = "critical"
    )
        -> String
    {
        let items = alerts.map { alert in
            #"""
            {"status": "\#(alert.status)", "labels": {"alertname": "\#(alert.name)", "instance": "\#(alert.instance)", "severity": "\#(severity)", "job": "node"},
             "annotations": {"summary": "\#(alert.name) on \#(alert.instance)"}, "startsAt": "2026-12-07T09:00:00.123456789Z",
             "endsAt": "\#(alert.status == "resolved" ? "2026-12-07T09:30:00Z" : "0001-01-01T00:00:00Z")", "generatorURL": "http://prometheus:9090/graph",
             "fingerprint": "\#(alert.fingerprint)"}
            """#
        }
        return #"""
            {"receiver": "triage", "status": "\#(status)", "alerts": [\#(items.joined(separator: ","))], "groupLabels": {"instance": "x"},
             "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093", "version": "4",
             "groupKey": "{}:{instance=\"x\"}", "truncatedAlerts": 0}
            """#
    }

    @Test func hostNamesAndStatusesAreReadFromTheLabels() {
        #expect(AlertmanagerPolicy.hostName("db7:9100") == "db7")
        #expect(AlertmanagerPolicy.hostName("[2001:db8::7]:9100") == "2001:db8::7")
        #expect(AlertmanagerPolicy.hostName("2001:db8::7") == "2001:db8::7")
        #expect(AlertmanagerPolicy.hostName("http://db7.example:8080/metrics") == "db7.example")
        #expect(AlertmanagerPolicy.hostName(" web1 ") == "web1")
        let firing = AlertmanagerNotification.Alert(
            status: "firing", labels: ["severity": "warning"], annotations: ["summary": "80 % full"])
        #expect(AlertmanagerPolicy.check(firing, alertname: "DiskFull").status == .warning)
        #expect(AlertmanagerPolicy.check(firing, alertname: "DiskFull").summary == "80 % full")
        var critical = firing
        critical.labels = [:]
        #expect(AlertmanagerPolicy.check(critical, alertname: "DiskFull").status == .critical)
        critical.status = "resolved"
        #expect(AlertmanagerPolicy.check(critical, alertname: "DiskFull").status == .ok)
    }

    @Test func alertsOpenAndResolveOneTicketPerHostProblemAndUnknownHostsAreMapped() async throws {
        try await TestCoordinator.with { t in
            let token = try await t.coordinator.credentials.issueToken(name: "prometheus", role: .alertmanager).secret
            try await t.test { client in
                func post(_ body: String) async throws -> TestCoordinator.Client.Reply {
                    try await client.send(.post, "/api/v1/alertmanager", token: token, json: body)
                }
                // Two alerts about web1 in one group: one ticket with both items, at once.
                let firing = Self.notification(
                    "firing", [("DiskFull", "web1:9100", "firing", "aaa1"), ("HighLoad", "web1:9100", "firing", "aaa2")])
                let opened = try await post(firing)
                #expect(opened.status == .ok, "\(opened.body)")
                let hosts = opened.json["hosts"] as? [[String: Any]] ?? []
                let ticket = try #require((hosts.first?["opened"] as? [Int])?.first)
                let states = try await client.get("/api/v1/hosts/\(t.hostId)/checks").items
                #expect(Set(states.compactMap { $0["item"] as? String }) == ["DiskFull", "HighLoad"])
                #expect(states.allSatisfy { $0["plugin"] as? String == "alertmanager" && $0["status"] as? String == "critical" })
                let events = try await client.get("/api/v1/tickets/\(ticket)/events").items
                #expect(events.contains { ($0["data"] as? [String: Any])?["postedBy"] as? String == "alertmanager:prometheus" })

                // Alertmanager repeats the group: nothing changes.
                let again = try await post(firing)
                #expect(again.json["repeats"] as? Int == 2 && (again.json["hosts"] as? [Any])?.isEmpty == true)

                // Resolved, one at a time: the ticket resolves when the last one does, at once.
                _ = try await post(Self.notification("resolved", [("DiskFull", "web1:9100", "resolved", "aaa1")]))
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["status"] as? String != "resolved")
                let done = try await post(Self.notification("resolved", [("HighLoad", "web1:9100", "resolved", "aaa2")]))
                #expect(((done.json["hosts"] as? [[String: Any]])?.first?["resolved"] as? [Int]) == [ticket])
                #expect(try await client.get("/api/v1/tickets/\(ticket)").json["status"] as? String == "resolved")

                // A host Triage does not know is listed, not dropped; mapped, its next alert lands.
                let stranger = try await post(Self.notification("firing", [("NodeDown", "10.9.9.9:9100", "firing", "bbb1")]))
                #expect(stranger.json["unknownHosts"] as? [String] == ["10.9.9.9"])
                let unmapped = try await client.get("/api/v1/alertmanager/unmapped").items
                #expect(unmapped.first?["value"] as? String == "10.9.9.9" && unmapped.first?["alertname"] as? String == "NodeDown")
                #expect(
                    try await client.post("/api/v1/alertmanager/mappings", #"{"value": "10.9.9.9", "hostId": 99999}"#).status == .notFound)
                let mapped = try await client.post(
                    "/api/v1/alertmanager/mappings", #"{"value": "10.9.9.9:9100", "hostId": \#(t.otherHostId)}"#)
                #expect(mapped.status == .ok)
                #expect(try await client.get("/api/v1/alertmanager/unmapped").items.isEmpty)
                let landed = try await post(Self.notification("firing", [("NodeDown", "10.9.9.9:9100", "firing", "bbb2")]))
                #expect(((landed.json["hosts"] as? [[String: Any]])?.first?["opened"] as? [Int])?.count == 1)

                // What is not Alertmanager's v4 webhook says so; the token reaches nothing else.
                let v3 = try await post(firing.replacingOccurrences(of: #""version": "4""#, with: #""version": "3""#))
                #expect(v3.status == .unprocessableContent && v3.errorMessage.contains("version 4"))
                #expect(try await post(#"{"version": "4"}"#).status == .unprocessableContent)
                #expect(try await post("not json").status == .badRequest)
                let elsewhere = try await client.send(.get, "/api/v1/tickets", token: token)
                #expect(elsewhere.status == .forbidden && elsewhere.errorMessage.contains("POST /api/v1/alertmanager"))
                #expect(try await client.post("/api/v1/alertmanager", firing, as: .dispatcher).status == .forbidden)
            }
        }
    }
}
