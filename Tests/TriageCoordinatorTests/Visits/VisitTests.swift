import Foundation
import Testing
import TriageModel

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Visit proposals and booking through the API, on a driven clock (it stands on Wednesday
/// 2026-11-18; the searches start on Monday 2026-11-23). HQ (region north, Europe/Berlin) is
/// open Monday to Friday 09:00–17:00 local; the Depot (region south) always. Vera works
/// 08:00–16:00 Berlin time and has the storage skill; Uli works 12:00–20:00 UTC.
@Suite struct VisitTests {
    static let monday = "2026-11-23T00:00:00Z"
    static let policy: VisitPolicy = {
        var policy = VisitPolicy()
        policy.regionTravelMinutes = ["north": ["south": 90]]
        return policy
    }()

    struct Setup {
        var vera = 0, uli = 0, depotHost = 0, ticket = 0, depotTicket = 0
        var veraToken = "", uliToken = ""
        var veraAccount = TestCoordinator.Account(login: "", password: "")
    }

    static func setup(_ t: TestCoordinator, _ client: TestCoordinator.Client, severity: Int = 4) async throws -> Setup {
        var s = Setup()
        let weekdays = (1...5).map { #"{"weekday": \#($0), "opens": "09:00", "closes": "17:00"}"# }.joined(separator: ",")
        #expect(
            try await client.send(
                .put, "/api/v1/sites/\(t.siteId)",
                json: #"""
                    {"customerId": \#(t.customerId), "name": "HQ", "region": "north", "timeZone": "Europe/Berlin", "openingHours": [\#(weekdays)]}
                    """#
            ).status == .ok)
        let depot = try await client.post("/api/v1/sites", #"{"customerId": \#(t.customerId), "name": "Depot", "region": "south"}"#).id
        s.depotHost = try await client.post("/api/v1/hosts", #"{"siteId": \#(depot), "name": "store1"}"#).id
        func shifts(_ start: String, _ end: String) -> String {
            (1...5).map { #"{"weekday": \#($0), "start": "\#(start)", "end": "\#(end)"}"# }.joined(separator: ",")
        }
        s.vera = try await client.post(
            "/api/v1/technicians",
            #"""
            {"name": "Vera", "skills": ["storage"], "timeZone": "Europe/Berlin", "shifts": [\#(shifts("08:00", "16:00"))]}
            """#
        ).id
        s.uli = try await client.post("/api/v1/technicians", #"{"name": "Uli", "shifts": [\#(shifts("12:00", "20:00"))]}"#).id
        s.veraToken = try await t.coordinator.credentials.issueToken(name: "vera", role: .technician, technicianId: s.vera).secret
        s.veraAccount = try await t.addAccount("vera", .technician, technicianId: s.vera)
        s.uliToken = try await t.coordinator.credentials.issueToken(name: "uli", role: .technician, technicianId: s.uli).secret
        s.ticket = try await client.post(
            "/api/v1/tickets",
            #"""
            {"title": "RAID degraded on web1", "severity": \#(severity), "hostId": \#(t.hostId), "requiredSkills": ["storage"]}
            """#
        ).id
        s.depotTicket = try await client.post("/api/v1/tickets", #"{"title": "store1 disk", "severity": 4, "hostId": \#(s.depotHost)}"#).id
        return s
    }

    static func slots(_ client: TestCoordinator.Client, _ ticket: Int, _ query: String = "") async throws -> [[String: Any]] {
        try await client.get("/api/v1/tickets/\(ticket)/visit-slots?from=\(monday)&days=2\(query)").items
    }

    static func book(
        _ client: TestCoordinator.Client, _ ticket: Int, _ technician: Int, _ start: String, _ end: String,
        as role: Role = .dispatcher
    ) async throws -> TestCoordinator.Client.Reply {
        try await client.post(
            "/api/v1/visits", #"{"ticketId": \#(ticket), "technicianId": \#(technician), "start": "\#(start)", "end": "\#(end)"}"#, as: role
        )
    }

    /// The clock stands on Wednesday 2026-11-18 11:06Z: a visit starts at most 15 min ago and at
    /// most a year ahead, proposals never start in the past, and old dates read back as sent.
    @Test func visitsAreBookedBetweenNowAndTheHorizonOnly() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
                #expect(
                    try await client.send(.put, "/api/v1/technicians/\(s.uli)", json: #"{"name": "Uli", "shifts": [\#(always)]}"#).status
                        == .ok)
                for (start, end, why) in [
                    ("2026-11-18T09:00:00Z", "2026-11-18T10:00:00Z", "is in the past"),
                    ("0000-01-03T09:00:00Z", "0000-01-03T10:00:00Z", "is in the past"),
                    ("2027-12-01T09:00:00Z", "2027-12-01T10:00:00Z", "more than 366 days ahead"),
                ] {
                    let refused = try await Self.book(client, s.depotTicket, s.uli, start, end)
                    #expect(refused.status == .unprocessableContent && refused.errorMessage.contains(why), "\(start): \(refused.body)")
                }
                #expect(try await client.get("/api/v1/visits").items.isEmpty)
                // Within the grace (started 10 min ago, as the technician arrives) it books.
                #expect(
                    try await Self.book(client, s.depotTicket, s.uli, "2026-11-18T10:57:00Z", "2026-11-18T12:00:00Z").status == .created)
                let slots = try await client.get("/api/v1/tickets/\(s.depotTicket)/visit-slots?from=1500-06-01T00:00:00Z&days=2").items
                let first = try #require(slots.first?["start"] as? String)
                #expect(first >= "2026-11-18T11:06:40.000Z", "\(first)")
                let old = try await client.post(
                    "/api/v1/tickets/\(s.ticket)/vendor-case", #"{"vendor": "Dell", "vendorDueAt": "1500-06-01T00:00:00Z"}"#)
                #expect(
                    ((old.json["flags"] as? [String: Any])?["vendorCase"] as? [String: Any])?["vendorDueAt"] as? String
                        == "1500-06-01T00:00:00.000Z")
            }
        }
    }

    @Test func proposalsKeepToShiftsOpeningHoursSkillsAndTimeZones() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                // Only Vera has the skill; her shift starts 08:00 Berlin but HQ opens at 09:00 Berlin = 08:00Z.
                let slots = try await Self.slots(client, s.ticket)
                #expect(Set(slots.compactMap { $0["technicianId"] as? Int }) == [s.vera])
                let first = try #require(slots.first)
                #expect(first["start"] as? String == "2026-11-23T08:00:00.000Z" && first["end"] as? String == "2026-11-23T09:00:00.000Z")
                let reasons = first["reasons"] as? [String] ?? []
                #expect(reasons.contains("on shift 08:00–16:00 (Europe/Berlin)"))
                #expect(reasons.contains("site open 09:00–17:00 (Europe/Berlin)"))
                #expect(reasons.contains("has the skills storage"))
                #expect(first["breachesDeadline"] as? Bool == false)

                // Searching from mid-morning: the first start is on the 15-minute grid, the reasons name whole hours.
                let later = try await client.get("/api/v1/tickets/\(s.ticket)/visit-slots?from=2026-11-23T10:37:00Z&days=1").items.first
                #expect(later?["start"] as? String == "2026-11-23T10:45:00.000Z")
                #expect((later?["reasons"] as? [String] ?? []).contains("on shift 08:00–16:00 (Europe/Berlin)"))
                #expect((later?["reasons"] as? [String] ?? []).contains("site open 09:00–17:00 (Europe/Berlin)"))

                // The shift edge: 09:00–16:00 Berlin is 7 h; 7 h fits on Monday, 7¼ h does not.
                #expect(try await Self.slots(client, s.ticket, "&duration=420").first?["start"] as? String == "2026-11-23T08:00:00.000Z")
                #expect(try await Self.slots(client, s.ticket, "&duration=435").isEmpty)

                // The Depot ticket needs no skill: Uli (12:00–20:00 UTC) comes in after Vera, who starts at 07:00Z.
                let depot = try await Self.slots(client, s.depotTicket)
                #expect(depot.first?["technicianId"] as? Int == s.vera && depot.first?["start"] as? String == "2026-11-23T07:00:00.000Z")
                #expect(depot.contains { $0["technicianId"] as? Int == s.uli && $0["start"] as? String == "2026-11-23T12:00:00.000Z" })
                #expect(!depot.contains { $0["technicianId"] as? Int == t.technicianId })  // no shifts, never on shift
            }
        }
    }

    @Test func bookedVisitsAndTravelBetweenRegionsPushLaterSlots() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                // Vera at the Depot (south) 07:00–09:00Z; HQ is north: 90 min travel, so 10:30Z at the earliest.
                let booked = try await Self.book(client, s.depotTicket, s.vera, "2026-11-23T07:00:00Z", "2026-11-23T09:00:00Z")
                #expect(booked.status == .created)
                let first = try #require(try await Self.slots(client, s.ticket).first)
                #expect(first["start"] as? String == "2026-11-23T10:30:00.000Z")
                #expect(first["travelMinutes"] as? Int == 90)
                #expect((first["reasons"] as? [String] ?? []).contains("90 min travel after visit \(booked.id) (ends 10:00)"))

                // Booking against that buffer names the visit; just after it is fine.
                let clash = try await Self.book(client, s.ticket, s.vera, "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z")
                #expect(clash.status == .conflict)
                #expect(clash.errorMessage.hasPrefix("Vera has visit \(booked.id) (ticket \(s.depotTicket))"))
                #expect(clash.errorMessage.contains("with 90 min travel"))
                #expect(try await Self.book(client, s.ticket, s.vera, "2026-11-23T10:30:00Z", "2026-11-23T11:30:00Z").status == .created)
            }
        }
    }

    @Test func aSlotAfterTheResolutionDeadlineIsMarked() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client, severity: 1)  // resolve within 4 h of Wednesday 11:06Z
                let first = try #require(try await Self.slots(client, s.ticket).first)
                #expect(first["breachesDeadline"] as? Bool == true)
                #expect((first["reasons"] as? [String] ?? []).contains { $0.hasPrefix("ends after the resolution deadline") })
            }
        }
    }

    @Test func twentyConflictingBookingsAtOnceMakeOneVisit() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                let vera = try #require(try await t.store.read { try await $0.user(login: s.veraAccount.login) })
                let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                    for minute in 0..<20 {
                        group.addTask {
                            let start = String(format: "2026-11-23T08:%02d:00Z", minute)
                            let end = String(format: "2026-11-23T09:%02d:00Z", minute)
                            let reply = try await Self.book(client, s.ticket, s.vera, start, end)
                            return (Int(reply.status.code), reply.errorMessage)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0.0 == 201 }.count == 1)
                #expect(statuses.filter { $0.0 == 409 && $0.1.hasPrefix("Vera has visit ") }.count == 19)
                #expect(try await client.get("/api/v1/visits?technicianId=\(s.vera)").items.count == 1)
                // One visit, so Vera is told once; the nineteen refused bookings told nobody.
                let told = try await t.coordinator.notifications.list(unreadOnly: true, before: nil, limit: 50, by: vera.principal).items
                let visits = told.filter { $0.kind == .visit }
                #expect(visits.count == 1 && visits.first?.text.hasSuffix(" Europe/Berlin") == true, "in her own zone: \(told)")
            }
        }
    }

    @Test func bookingRefusesWhatDoesNotFitAndSaysWhy() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                let offShift = try await Self.book(client, s.ticket, s.vera, "2026-11-23T15:30:00Z", "2026-11-23T16:30:00Z")
                #expect(offShift.status == .unprocessableContent && offShift.errorMessage.contains("not inside one of Vera's shifts"))
                let unskilled = try await Self.book(client, s.ticket, s.uli, "2026-11-23T12:00:00Z", "2026-11-23T13:00:00Z")
                #expect(
                    unskilled.status == .unprocessableContent
                        && unskilled.errorMessage == "Uli lacks the skills storage that ticket \(s.ticket) needs")
                // Vera is on shift from 07:00Z, but HQ opens at 08:00Z.
                let closed = try await Self.book(client, s.ticket, s.vera, "2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z")
                #expect(
                    closed.status == .unprocessableContent
                        && closed.errorMessage.contains("is not open for the whole window (Europe/Berlin)"))
                let saturday = try await Self.book(client, s.depotTicket, s.uli, "2026-11-28T12:00:00Z", "2026-11-28T13:00:00Z")
                #expect(saturday.status == .unprocessableContent)
                #expect(try await Self.book(client, 999, s.vera, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z").status == .notFound)
                #expect(
                    try await Self.book(client, s.ticket, s.vera, "2026-11-23T09:00:00Z", "2026-11-23T08:00:00Z").status
                        == .unprocessableContent)
                #expect(
                    try await Self.book(client, s.ticket, s.vera, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z", as: .technician).status
                        == .forbidden)
            }
        }
    }

    @Test func aVisitGoesEnRouteOnSiteAndDoneEachAnEventAndTechniciansSeeTheirOwn() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                let visit = try await Self.book(client, s.ticket, s.vera, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z").id
                // Moved an hour later, with its history.
                let moved = try await client.post(
                    "/api/v1/visits/\(visit)/reschedule", #"{"start": "2026-11-23T09:00:00Z", "end": "2026-11-23T10:00:00Z"}"#,
                    as: .dispatcher)
                #expect(moved.status == .ok && moved.json["start"] as? String == "2026-11-23T09:00:00.000Z")

                func step(_ status: String, notes: String? = nil, token: String) async throws -> TestCoordinator.Client.Reply {
                    let body = notes.map { #"{"status": "\#(status)", "notes": "\#($0)"}"# } ?? #"{"status": "\#(status)"}"#
                    return try await client.send(.post, "/api/v1/visits/\(visit)/status", as: nil, token: token, json: body)
                }
                #expect(try await step("en_route", token: s.uliToken).status == .forbidden)  // not Uli's
                #expect(try await step("en_route", token: s.veraToken).status == .ok)
                #expect(try await step("on_site", token: s.veraToken).status == .ok)
                #expect(try await step("cancelled", token: s.veraToken).status == .forbidden)  // the desk cancels
                #expect(try await step("done", token: s.veraToken).status == .unprocessableContent)
                let done = try await step("done", notes: "Replaced disk 2; array rebuilding", token: s.veraToken)
                #expect(done.status == .ok && done.json["notes"] as? String == "Replaced disk 2; array rebuilding")
                #expect(try await step("cancelled", token: t.tokens[.dispatcher]!).status == .conflict)

                let events = try await client.get("/api/v1/tickets/\(s.ticket)/events?limit=200").items.compactMap { $0["type"] as? String }
                #expect(
                    events.filter { $0.hasPrefix("visit_") } == [
                        "visit_booked", "visit_rescheduled", "visit_en_route", "visit_on_site", "visit_done",
                    ])

                // Technicians see their own visits only.
                _ = try await Self.book(client, s.depotTicket, s.uli, "2026-11-23T12:00:00Z", "2026-11-23T13:00:00Z")
                let mine = try await client.send(.get, "/api/v1/visits", as: nil, token: s.veraToken).items
                #expect(mine.compactMap { $0["id"] as? Int } == [visit])
                #expect(
                    try await client.send(.get, "/api/v1/visits?technicianId=\(s.uli)", as: nil, token: s.veraToken).status == .forbidden)
                #expect(try await client.get("/api/v1/visits").items.count == 2)
            }
        }
    }

    @Test func alertsFromAHostWithATechnicianOnSiteGoToTheVisitsTicket() async throws {
        try await TestCoordinator.with(visits: Self.policy) { t in
            try await t.test { client in
                let s = try await Self.setup(t, client)
                let visit = try await Self.book(client, s.ticket, s.vera, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00Z").id
                _ = try await client.send(
                    .post, "/api/v1/visits/\(visit)/status", as: nil, token: s.veraToken, json: #"{"status": "on_site"}"#)
                var opened: [Int] = []
                for _ in 0..<2 { opened += try await HealthReportTests.post(client, HealthReportTests.bad, t).opened }
                #expect(opened.isEmpty)
                let events = try await client.get("/api/v1/tickets/\(s.ticket)/events?limit=200").items
                let problem = try #require(events.first { $0["type"] as? String == "problem" })
                #expect((problem["data"] as? [String: Any])?["duringVisit"] as? Int == visit)
            }
        }
    }
}
