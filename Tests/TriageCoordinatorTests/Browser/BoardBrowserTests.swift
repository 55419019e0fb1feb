import Foundation
import TestSupport
import Testing

/// The dispatch board in a real headless Chromium with JavaScript switched off, against a real
/// `triage serve`: a dispatcher logs in, sees the ticket a diagnosis flagged onsite, books a
/// proposed slot; the technician logs in, finds the visit on their timeline and sets off.
/// Screenshots go to .build/artifacts/board/.
@Suite(.serialized) struct BoardBrowserTests {
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/artifacts/board").path

    /// S1 answers in 1 minute and warns at 1 % of it: an S1 card turns amber within a second.
    static let configuration = """
        sla:
          warningFraction: 0.01
          severity1: {respondMinutes: 1, resolveMinutes: 60}
        board:
          timeZone: Europe/Berlin
          refreshSeconds: 0
        """

    struct World {
        var serve: TriageServe
        var veraId = 0, otto = 0, onsiteTicket = 0, urgentTicket = 0, quietTicket = 0
        /// The first start's one-time setup link, from what `triage serve` printed.
        var setupLink = ""
        var dispatcher = (login: "dora", password: "dora dispatches all day"), vera = (login: "vera", password: "vera drives to the sites")
    }

    static func world(_ folder: TempFolder) throws -> World {
        try configuration.write(toFile: folder.path + "/triage.yaml", atomically: true, encoding: .utf8)
        var w = World(serve: try TriageServe(folder, ["--config", folder.path + "/triage.yaml"]))
        func post(_ path: String, _ json: String) throws -> Int {
            let (status, body) = try w.serve.request("POST", "/api/v1" + path, json)
            guard (200..<300).contains(status), let id = body["id"] as? Int else {
                throw TestSupportError("POST \(path): \(status) \(body)")
            }
            return id
        }
        let customer = try post("/customers", #"{"name": "Acme"}"#)
        let site = try post("/sites", #"{"customerId": \#(customer), "name": "HQ", "region": "north", "timeZone": "Europe/Berlin"}"#)
        let host = try post("/hosts", #"{"siteId": \#(site), "name": "web1"}"#)
        let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        w.veraId = try post(
            "/technicians", #"{"name": "Vera", "skills": ["storage"], "timeZone": "Europe/Berlin", "shifts": [\#(always)]}"#)
        w.otto = try post("/technicians", #"{"name": "Otto", "timeZone": "Europe/Berlin", "shifts": [\#(always)]}"#)
        w.quietTicket = try post("/tickets", #"{"title": "Printer queue question", "severity": 4, "customerId": \#(customer)}"#)
        w.onsiteTicket = try post("/tickets", #"{"title": "RAID degraded on web1", "severity": 2, "hostId": \#(host)}"#)
        w.urgentTicket = try post("/tickets", #"{"title": "Mail server down", "severity": 1, "customerId": \#(customer)}"#)
        let report = """
            {"id": "\(UUID().uuidString)", "host": "web1", "startedAt": "\(Date().formatted(.iso8601))", "durationMs": 420, "agentVersion": "test",
             "status": "critical", "errors": [],
             "checks": [{"plugin": "disk", "item": "/dev/sda", "status": "critical", "summary": "SMART: 112 reallocated sectors",
                         "metrics": [{"name": "reallocated", "value": 112, "warn": "10", "crit": "50"}], "durationMs": 30,
                         "skills": \(ShippedPlugins.skills["disk"]!)}],
             "recommendation": {"onsite": true, "vendors": [], "reasons": [
                 {"plugin": "disk", "item": "/dev/sda", "flag": "onsite", "reason": "the disk is failing: replace it on site"}]}}
            """
        let (status, body) = try w.serve.request("POST", "/api/v1/tickets/\(w.onsiteTicket)/diagnostics", report)
        guard status == 201 else { throw TestSupportError("attaching the diagnosis: \(status) \(body)") }
        w.setupLink = w.serve.setupLink
        return w
    }

    /// The people's accounts, once the admin has set Triage up, the way a script makes them: the
    /// password on stdin, never in arguments.
    static func createPeople(_ w: World) throws {
        func account(_ login: String, _ password: String, _ arguments: [String]) throws {
            let made = try Shell.run(
                builtProduct("triage"), ["user", "create", login, "--password-stdin", "--data", w.serve.data] + arguments,
                input: password + "\n")
            guard made.status == 0 else { throw TestSupportError("triage user create \(login): \(made.stderr)") }
        }
        try account(w.dispatcher.login, w.dispatcher.password, ["--role", "dispatcher", "--name", "Dora"])
        try account(w.vera.login, w.vera.password, ["--role", "technician", "--name", "Vera", "--technician", "\(w.veraId)"])
    }

    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }

    static func logIn(_ browser: Browser, _ base: String, _ account: (login: String, password: String)) async throws {
        try await browser.go(base + "/board")
        #expect(
            try await browser.url { $0.contains("/board/login?next=") }.contains("/board/login?next="),
            "an anonymous visit goes to the sign-in page")
        try await browser.type("#login", account.login)
        try await browser.type("#password", account.password)
        try await browser.click("#sign-in")
        #expect(try await browser.url { $0 == base + "/board" } == base + "/board")
    }

    /// The first start: the printed link lets the first admin choose a password, once.
    private func adminSetsUp(_ browser: Browser, _ w: World) async throws {
        let base = w.serve.url
        try await browser.go(w.setupLink)
        for (field, value) in [
            ("#login", "ada"), ("#displayName", "Ada Admin"), ("#password", "ada sets triage up"),
            ("#confirm", "ada sets triage up"),
        ] {
            try await browser.type(field, value)
        }
        try await browser.click("#set-up")
        #expect(try await browser.url { $0 == base + "/board" } == base + "/board")
        #expect(try await browser.text("header .who") == "Ada Admin · admin")
        try await browser.screenshot(to: Self.artifacts + "/setup-done.png")
        try await browser.click("form.logout button")
        // The sign-out's own redirect first: else it may land after the next page (a CI run saw the login form there).
        _ = try await browser.url { $0.hasSuffix("/board/login") }
        // The link works once: opened again it says so, with no form to fill in.
        try await browser.go(w.setupLink)
        #expect(try await browser.text("main").contains("set up already"), "the link works once")
        #expect(try await browser.findAll("#set-up").isEmpty)
    }

    @Test func aDispatcherBooksAProposedSlotAndTheTechnicianSeesItOnTheirTimeline() async throws {
        let folder = try TempFolder()
        let w = try Self.world(folder)
        defer { w.serve.process.terminate() }
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let browser = try await Browser(folder)
        do {
            try await adminSetsUp(browser, w)
            try Self.createPeople(w)
            try await dispatcherBooks(browser, w)
            try await technicianSetsOff(browser, w)
        } catch {
            _ = try? await browser.screenshot(to: Self.artifacts + "/failure.png")
            await browser.quit()
            throw error
        }
        await browser.quit()
    }

    private func dispatcherBooks(_ browser: Browser, _ w: World) async throws {
        let base = w.serve.url
        try await Self.logIn(browser, base, w.dispatcher)
        let session = try #require(try await browser.cookies["triage_session"])
        #expect(session.httpOnly && session.sameSite == "Strict")
        let scripts = try await browser.findAll("script")
        var sources: [String] = []
        for script in scripts { sources.append(try await browser.attribute(script, "src") ?? "inline") }
        #expect(
            sources == ["/board/static/live.js", "/board/static/keys.js", "/board/static/compose.js"],
            "the board loads only its own scripts, which this browser does not run")

        // The queues: each ticket in its status column under its tier, with a countdown.
        let urgent = try await browser.find("#queue-assigned #ticket-\(w.urgentTicket) .sla")
        let countdown = try await browser.text(urgent)
        #expect(countdown.range(of: #"^respond (in|overdue) \d+ min$"#, options: .regularExpression) != nil)
        // Past 1 % of its minute: amber, or red once the minute is over (a slow machine gets there).
        let colour = countdown.contains("overdue") ? "sla sla-breach" : "sla sla-warning"
        #expect(try await browser.attribute(urgent, "class") == colour, "S1 is past 1 % of its minute: \(countdown)")
        let quiet = try await browser.find("#ticket-\(w.quietTicket) .sla")
        #expect(try await browser.attribute(quiet, "class") == "sla sla-ok")
        #expect(try await browser.css(urgent, "background-color") != browser.css(quiet, "background-color"), "the stylesheet colours them")
        #expect(try await browser.text("#ticket-\(w.urgentTicket) .title") == "Mail server down")

        // The needs-visit column names the ticket the diagnosis flagged, and why.
        let needs = try await browser.text("#needs-visit")
        #expect(needs.contains("RAID degraded on web1") && needs.contains("the disk is failing: replace it on site"))
        #expect(!needs.contains("Mail server down"))
        try await browser.screenshot(to: BoardBrowserTests.artifacts + "/dispatcher-board.png")

        // The ticket page: diagnosis, flags, and proposed slots; Vera (storage) is proposed, Otto is not.
        try await browser.click("#needs-visit-\(w.onsiteTicket) a.ticket-link")
        #expect(try await browser.text("#ticket-title").contains("RAID degraded on web1"))
        #expect(try await browser.text("#diagnostics").contains("SMART: 112 reallocated sectors"))
        #expect(try await browser.text("#diagnostics").contains("reallocated=112 (warn 10, crit 50)"))
        #expect(try await browser.text("#flags").contains("On-site visit needed"))
        let slots = try await browser.findAll("ol.slots li.slot")
        #expect(!slots.isEmpty)
        for slot in slots { #expect(try await browser.text(slot).contains("Vera")) }
        let start = try #require(try await browser.attribute(try await browser.find("#slot-1 input[name=start]"), "value"))
        try await browser.screenshot(to: BoardBrowserTests.artifacts + "/ticket-before-booking.png")
        try await browser.click("#slot-1 button.book")

        #expect(try await browser.text("#notice").contains("is booked"))
        #expect(try await browser.text("#visits").contains("Vera"))
        let (_, listed) = try w.serve.request("GET", "/api/v1/visits?ticketId=\(w.onsiteTicket)")
        let visits = listed["items"] as? [[String: Any]] ?? []
        #expect(visits.count == 1)
        #expect(visits.first?["technicianId"] as? Int == w.veraId)
        #expect((visits.first?["start"] as? String).flatMap(Self.instant) == Self.instant(start))
        try await browser.screenshot(to: BoardBrowserTests.artifacts + "/ticket-booked.png")

        // Back on the board the ticket says it is booked, and Vera's row has the visit.
        try await browser.click("a.brand")
        #expect(try await browser.text("#needs-visit-\(w.onsiteTicket) .booked").contains("Vera"))
        let visitId = try #require(visits.first?["id"] as? Int)
        #expect(try await browser.text("#timeline-visit-\(visitId)").hasPrefix("#\(w.onsiteTicket) "))
        try await browser.screenshot(to: BoardBrowserTests.artifacts + "/dispatcher-board-booked.png")
        try await browser.click("form.logout button")
        #expect(try await browser.url { $0.hasPrefix(base + "/board/login") }.hasPrefix(base + "/board/login"))
        try await browser.go(base + "/board")
        #expect(try await browser.url { $0.contains("/board/login") }.contains("/board/login"), "the session ended with the logout")
    }

    private func technicianSetsOff(_ browser: Browser, _ w: World) async throws {
        let base = w.serve.url
        try await Self.logIn(browser, base, w.vera)
        let (_, listed) = try w.serve.request("GET", "/api/v1/visits?ticketId=\(w.onsiteTicket)")
        let visitId = try #require((listed["items"] as? [[String: Any]])?.first?["id"] as? Int)

        // Her own row, with the visit; nobody else's; no needs-visit column.
        let block = try await browser.find("#timeline-visit-\(visitId)")
        #expect(try await browser.text(block).contains("HQ"))
        #expect(try await browser.findAll("[id^=timeline-][id$=-technician-\(w.otto)]").isEmpty)
        #expect(try await browser.findAll("[id^=timeline-][id$=-technician-\(w.veraId)]").count == 2, "today and tomorrow")
        #expect(try await browser.findAll("#needs-visit").isEmpty)
        try await browser.screenshot(to: BoardBrowserTests.artifacts + "/technician-board.png")

        // From the timeline to the visit, and on her way: the visit moves and the ticket says so.
        try await browser.click(block)
        try await browser.click("#visit-\(visitId) form:has(input[value=en_route]) button")
        #expect(try await browser.text("#notice").contains("en route"))
        #expect(try await browser.text("#history").contains("Vera is on the way"))
        let (_, visit) = try w.serve.request("GET", "/api/v1/visits/\(visitId)")
        #expect(visit["status"] as? String == "en_route")
        #expect(try await browser.findAll("#book").isEmpty, "technicians do not book")
    }
}
