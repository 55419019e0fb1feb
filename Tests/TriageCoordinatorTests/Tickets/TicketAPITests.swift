import Foundation
import HTTPTypes
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Tickets through HTTP, as a dispatcher and technicians use them.
@Suite struct TicketAPITests {
    @Test func aTicketIsCreatedListedAndCarriesItsHistory() async throws {
        try await TestCoordinator.with { t in
            let hostId = t.hostId
            let customerId = t.customerId
            try await t.test { client in
                let created = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "Mail server down", "severity": 1, "channel": "phone", "hostId": \#(hostId), "tags": ["mail"]}"#,
                    as: .dispatcher)
                #expect(created.status == .created)
                #expect(created.headers[.location] == "/api/v1/tickets/\(created.id)")
                #expect(created.json["status"] as? String == "new")
                #expect(created.json["customerId"] as? Int == customerId)  // derived from the host's site
                #expect(created.json["createdAt"] as? String == "2026-11-18T11:06:40.000Z")
                #expect(created.json["responseDueAt"] as? String == "2026-11-18T11:21:40.000Z")  // S1: 15 min
                #expect(created.json["resolveDueAt"] as? String == "2026-11-18T15:06:40.000Z")  // S1: 4 h

                let fetched = try await client.get("/api/v1/tickets/\(created.id)", as: .technician)
                #expect(fetched.body == created.body)
                let list = try await client.get("/api/v1/tickets?status=new&severity=1&q=MAIL", as: .technician)
                #expect(list.items.map { $0["id"] as? Int } == [created.id])
                #expect(try await client.get("/api/v1/tickets?severity=2").items.isEmpty)

                let events = try await client.get("/api/v1/tickets/\(created.id)/events")
                #expect(events.items.map { $0["type"] as? String } == ["created", "unassignable"])
                #expect(events.items.first?["actor"] as? String == "dispatcher:dora")
            }
        }
    }

    @Test func everyChangeIsAnEventAndClosedComesBackOnlyByReopening() async throws {
        try await TestCoordinator.with { t in
            let tech = t.technicianId
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "Disk full on db1"}"#).id
                t.clock.advance(minutes: 5)
                let assigned = try await client.patch(
                    "/api/v1/tickets/\(id)", #"{"assigneeId": \#(tech), "severity": 2}"#,
                    as: .dispatcher)
                #expect(assigned.status == .ok)
                #expect(assigned.json["status"] as? String == "assigned")
                // Severity 2 due times count from creation, not from the change.
                #expect(assigned.json["responseDueAt"] as? String == "2026-11-18T12:06:40.000Z")

                let working = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "in_progress"}"#, as: .technician)
                #expect(working.json["status"] as? String == "in_progress")
                let resolved = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "resolved"}"#, as: .technician)
                #expect(resolved.json["resolvedAt"] != nil)
                let closed = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "closed"}"#, as: .technician)
                #expect(closed.json["status"] as? String == "closed")

                let direct = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "in_progress"}"#, as: .dispatcher)
                #expect(direct.status == .conflict)
                #expect(direct.errorMessage.contains("reopen"))
                let reassign = try await client.patch("/api/v1/tickets/\(id)", #"{"assigneeId": null}"#, as: .dispatcher)
                #expect(reassign.status == .conflict)

                let reopened = try await client.post(
                    "/api/v1/tickets/\(id)/reopen", #"{"reason": "came back after reboot"}"#,
                    as: .technician)
                #expect(reopened.status == .ok)
                #expect(reopened.json["status"] as? String == "in_progress")
                #expect(reopened.json["closedAt"] == nil && reopened.json["resolvedAt"] == nil)
                let again = try await client.post("/api/v1/tickets/\(id)/reopen", #"{"reason": "twice"}"#)
                #expect(again.status == .conflict)

                let unassigned = try await client.patch("/api/v1/tickets/\(id)", #"{"assigneeId": null}"#, as: .dispatcher)
                #expect(unassigned.json["assigneeId"] == nil)
                #expect(unassigned.json["status"] as? String == "in_progress")

                let events = try await client.get("/api/v1/tickets/\(id)/events").items
                let types = events.map { $0["type"] as? String ?? "" }
                #expect(
                    types == [
                        "created", "unassignable", "severity_changed", "assigned", "status_changed", "status_changed",
                        "status_changed", "status_changed", "reopened", "unassigned", "unassignable",
                    ])
                let statusChanges = events.filter { $0["type"] as? String == "status_changed" }
                    .map { ($0["data"] as? [String: Any])?["to"] as? String ?? "" }
                #expect(statusChanges == ["assigned", "in_progress", "resolved", "closed"])
                #expect(events.dropFirst(2).allSatisfy { $0["at"] as? String != events[0]["at"] as? String })

                // A no-op patch changes nothing and records nothing.
                let same = try await client.patch("/api/v1/tickets/\(id)", #"{"title": "Disk full on db1"}"#)
                #expect(same.status == .ok)
                #expect(try await client.get("/api/v1/tickets/\(id)/events").items.count == events.count)
            }
        }
    }

    @Test func theFirstPublicReplyIsTheFirstResponseAndNotesAreNot() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "VPN flaps", "severity": 2}"#).id
                t.clock.advance(minutes: 3)
                let note = try await client.post(
                    "/api/v1/tickets/\(id)/comments",
                    #"{"body": "looks like the ISP", "visibility": "internal"}"#, as: .technician)
                #expect(note.status == .created)
                #expect(try await client.get("/api/v1/tickets/\(id)").json["firstResponseAt"] == nil)
                t.clock.advance(minutes: 4)
                let reply = try await client.post(
                    "/api/v1/tickets/\(id)/comments", #"{"body": "We are on it."}"#,
                    as: .technician)
                #expect((reply.json["data"] as? [String: Any])?["visibility"] as? String == "public")
                let ticket = try await client.get("/api/v1/tickets/\(id)").json
                #expect(ticket["firstResponseAt"] as? String == "2026-11-18T11:13:40.000Z")
                t.clock.advance(minutes: 4)
                _ = try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "Still on it."}"#)
                #expect(
                    try await client.get("/api/v1/tickets/\(id)").json["firstResponseAt"] as? String
                        == "2026-11-18T11:13:40.000Z")
            }
        }
    }

    @Test func listsPageWithCursorsUntilTheEnd() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                var created: [Int] = []
                for index in 1...7 {
                    created.append(try await client.post("/api/v1/tickets", #"{"title": "Ticket \#(index)"}"#).id)
                }
                var seen: [Int] = []
                var cursor: String? = nil
                repeat {
                    let page = try await client.get("/api/v1/tickets?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    seen += page.items.compactMap { $0["id"] as? Int }
                    cursor = page.json["nextCursor"] as? String
                } while cursor != nil
                #expect(seen == created.reversed())

                let events = try await client.get("/api/v1/tickets/\(created[0])/events?limit=2")
                #expect(events.items.count == 2)
                #expect(events.json["nextCursor"] == nil)
            }
        }
    }

    @Test func inventoryIsCreatedReplacedAndDeletedOnlyWhenUnused() async throws {
        try await TestCoordinator.with { t in
            let customerId = t.customerId
            let siteId = t.siteId
            try await t.test { client in
                let customer = try await client.post("/api/v1/customers", #"{"name": "Globex", "contactEmail": "it@globex.test"}"#)
                #expect(customer.status == .created)
                let site = try await client.post(
                    "/api/v1/sites",
                    #"{"customerId": \#(customer.id), "name": "Plant", "timeZone": "America/Chicago", "openingHours": [{"weekday": 1, "opens": "07:00", "closes": "17:00"}]}"#
                )
                #expect(site.status == .created)
                #expect((site.json["openingHours"] as? [[String: Any]])?.first?["opens"] as? String == "07:00")

                let replaced = try await client.send(.put, "/api/v1/customers/\(customer.id)", json: #"{"name": "Globex Corp"}"#)
                #expect(replaced.json["name"] as? String == "Globex Corp")
                #expect(replaced.json["contactEmail"] == nil)  // PUT replaces every field

                let blocked = try await client.send(.delete, "/api/v1/customers/\(customer.id)")
                #expect(blocked.status == .conflict)
                #expect(blocked.errorMessage.contains("1 sites"))
                #expect(try await client.send(.delete, "/api/v1/sites/\(site.id)").status == .noContent)
                #expect(try await client.send(.delete, "/api/v1/customers/\(customer.id)").status == .noContent)
                #expect(try await client.get("/api/v1/customers/\(customer.id)").status == .notFound)

                let badSite = try await client.post("/api/v1/sites", #"{"customerId": 999, "name": "Ghost"}"#)
                #expect(badSite.status == .unprocessableContent)
                #expect(badSite.errorMessage == "customerId: customer 999 does not exist")
                let badZone = try await client.post(
                    "/api/v1/sites", #"{"customerId": \#(customerId), "name": "X", "timeZone": "Mars/Base"}"#)
                #expect(badZone.errorMessage == "timeZone: 'Mars/Base' is not an IANA time zone")
                let badShift = try await client.post(
                    "/api/v1/technicians", #"{"name": "N", "shifts": [{"weekday": 1, "start": "17:00", "end": "08:00"}]}"#)
                #expect(badShift.errorMessage == "shifts: 17:00 is not before 08:00")
                let host = try await client.post(
                    "/api/v1/hosts",
                    #"{"siteId": \#(siteId), "name": "nas1", "criticality": "critical", "vendorServices": [{"service": "raid", "vendor": "Synology"}]}"#
                )
                #expect(host.json["criticality"] as? String == "critical")
                let hosts = try await client.get("/api/v1/hosts?limit=2")
                #expect(hosts.items.count == 2)
                #expect(hosts.json["nextCursor"] is String)
            }
        }
    }

    @Test func dueTimesFollowTheSeverityClockAndStandStillWhileWaitingForTheCustomer() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                // Wednesday 11:06:40 UTC; the default calendar is Mon–Fri 08:00–17:00 UTC.
                let s3 = try await client.post("/api/v1/tickets", #"{"title": "Printer offline"}"#).json
                #expect(s3["responseDueAt"] as? String == "2026-11-18T15:06:40.000Z")  // 4 business hours
                #expect(s3["resolveDueAt"] as? String == "2026-11-23T11:06:40.000Z")  // 3 business days, over a weekend

                let id = try await client.post("/api/v1/tickets", #"{"title": "Payroll stuck", "severity": 2}"#).id
                t.clock.advance(minutes: 10)
                let waiting = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "waiting_customer"}"#).json
                // While paused the deadline stands as if the pause ended now.
                #expect(waiting["resolveDueAt"] as? String == "2026-11-18T19:06:40.000Z")
                t.clock.advance(minutes: 60)
                let resumed = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "in_progress"}"#).json
                #expect(resumed["resolveDueAt"] as? String == "2026-11-18T20:06:40.000Z")  // 8 h + the hour paused
                t.clock.advance(minutes: 30)
                _ = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "resolved"}"#)
                t.clock.advance(minutes: 120)
                let reopened = try await client.post("/api/v1/tickets/\(id)/reopen", #"{"reason": "back again"}"#).json
                // Time spent resolved does not count either: 8 h + 1 h + 2 h.
                #expect(reopened["resolveDueAt"] as? String == "2026-11-18T22:06:40.000Z")
                let promoted = try await client.patch("/api/v1/tickets/\(id)", #"{"severity": 1}"#).json
                // A severity change recomputes from creation, keeping the pauses: 4 h + 1 h + 2 h.
                #expect(promoted["resolveDueAt"] as? String == "2026-11-18T18:06:40.000Z")
                #expect(promoted["responseDueAt"] as? String == "2026-11-18T12:21:40.000Z")  // 10 min, the pause, 5 min
            }
        }
    }
}
