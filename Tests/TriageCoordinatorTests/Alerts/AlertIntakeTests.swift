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
        #expect(AlertmanagerPolicy.check(firing, item: "DiskFull", alertname: "DiskFull").status == .warning)
        #expect(AlertmanagerPolicy.check(firing, item: "DiskFull", alertname: "DiskFull").summary == "80 % full")
        var critical = firing
        critical.labels = [:]
        #expect(AlertmanagerPolicy.check(critical, item: "DiskFull", alertname: "DiskFull").status == .critical)
        critical.status = "resolved"
        #expect(AlertmanagerPolicy.check(critical, item: "DiskFull", alertname: "DiskFull").status == .ok)
        // Alerts of one name about one host are told apart by their other labels.
        let perDisk = AlertmanagerNotification.Alert(
            status: "firing",
            labels: [
                "alertname": "DiskFull", "instance": "db7:9100", "job": "node", "severity": "critical", "mountpoint": "/var",
                "device": "sda1",
            ])
        #expect(AlertmanagerPolicy().item(perDisk, alertname: "DiskFull") == "DiskFull{device=sda1, mountpoint=/var}")
        #expect(AlertmanagerPolicy().item(firing, alertname: "DiskFull") == "DiskFull")
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

                // Two disks of one host: two items; one recovering leaves the ticket open.
                let disk = { (mount: String, status: String, print: String) in
                    #"{"status": "\#(status)", "labels": {"alertname": "DiskFull", "instance": "web1", "mountpoint": "\#(mount)"}, "startsAt": "2026-12-07T10:00:00Z", "fingerprint": "\#(print)"}"#
                }
                let two = try await post(
                    #"{"version": "4", "alerts": [\#(disk("/var", "firing", "d1")), \#(disk("/srv", "firing", "d2"))]}"#)
                let diskTicket = try #require(((two.json["hosts"] as? [[String: Any]])?.first?["opened"] as? [Int])?.first)
                _ = try await post(#"{"version": "4", "alerts": [\#(disk("/var", "resolved", "d1"))]}"#)
                #expect(try await client.get("/api/v1/tickets/\(diskTicket)").json["status"] as? String != "resolved", "/srv is still full")
                let items = try await client.get("/api/v1/hosts/\(t.hostId)/checks").items.compactMap { $0["item"] as? String }
                #expect(items.contains("DiskFull{mountpoint=/srv}") && items.contains("DiskFull{mountpoint=/var}"))

                // A host mapped and deleted since: its alerts are listed as unknown again, not lost.
                let customer = try await client.post("/api/v1/sites", #"{"customerId": \#(t.customerId), "name": "Old"}"#).id
                let gone = try await client.post("/api/v1/hosts", #"{"siteId": \#(customer), "name": "gone1"}"#).id
                #expect(
                    try await client.post("/api/v1/alertmanager/mappings", #"{"value": "old-name", "hostId": \#(gone)}"#).json["value"]
                        as? String == "old-name")
                #expect(try await client.send(.delete, "/api/v1/hosts/\(gone)").status == .noContent)
                let lost = try await post(Self.notification("firing", [("NodeDown", "old-name:9100", "firing", "ccc1")]))
                #expect(lost.json["unknownHosts"] as? [String] == ["old-name"])
                let mappedValue = try await client.post(
                    "/api/v1/alertmanager/mappings", #"{"value": "OLD-Name:9100", "hostId": \#(t.otherHostId)}"#)
                #expect(mappedValue.json["value"] as? String == "old-name", "kept as matched: no port, lower case")

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
