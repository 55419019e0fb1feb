import Foundation
import TestSupport
import Testing

/// The desk's search, filters and forms in a real Chromium with JavaScript on, submitted as the
/// pages render them (never URLs built by hand): a search with a space, a customer's own main
/// phone and email, the queue's severity filter, a refused new ticket and a refused site form
/// shown again with what was typed and each problem next to its field, and a long unbroken word
/// on a phone-width window. Screenshots go to .build/artifacts/board/.
@Suite(.serialized) struct DeskFormsBrowserTests {
    static let admin = (login: "ada", password: "ada runs the desk today")

    struct World {
        var serve: TriageServe
        var customer = 0, longTicket = 0
    }

    static func world(_ folder: TempFolder) throws -> World {
        var w = World(serve: try TriageServe(folder))
        func post(_ path: String, _ json: String) throws -> Int {
            let (status, body) = try w.serve.request("POST", "/api/v1" + path, json)
            guard (200..<300).contains(status), let id = body["id"] as? Int else {
                throw TestSupportError("POST \(path): \(status) \(body)")
            }
            return id
        }
        w.customer = try post(
            "/customers", #"{"name": "Tanaka Trading", "contactPhone": "+81 3 5550 7781", "contactEmail": "desk@tanaka.example"}"#)
        _ = try post("/contacts", #"{"customerId": \#(w.customer), "name": "Yuki Tanaka", "email": "yuki@tanaka.example"}"#)
        _ = try post("/customers", #"{"name": "Other Corp"}"#)
        _ = try post("/tickets", #"{"title": "Receipt printer jams at the till", "severity": 1, "customerId": \#(w.customer)}"#)
        _ = try post("/tickets", #"{"title": "Receipt printer needs paper", "severity": 4, "customerId": \#(w.customer)}"#)
        let url = "https://support.example.com/" + String(repeating: "kb/article-0123456789-", count: 40)
        w.longTicket = try post(
            "/tickets", #"{"title": "See \#(url.prefix(190))", "description": "Pasted from the mail: \#(url)", "severity": 3}"#)
        let made = try Shell.run(
            builtProduct("triage"), ["user", "create", admin.login, "--role", "admin", "--password-stdin", "--data", w.serve.data],
            input: admin.password + "\n")
        guard made.status == 0 else { throw TestSupportError("triage user create: \(made.stderr)") }
        return w
    }

    @Test func searchesFiltersAndRefusedFormsWorkAsThePagesSendThem() async throws {
        let folder = try TempFolder()
        let w = try Self.world(folder)
        defer { w.serve.process.terminate() }
        try FileManager.default.createDirectory(atPath: BoardBrowserTests.artifacts, withIntermediateDirectories: true)
        let desk = try await Browser(folder, javaScript: true)
        do {
            try await WorkdayBrowserTests.signIn(desk, w.serve.url, Self.admin.login, Self.admin.password)
            _ = try await desk.url { $0.hasSuffix("/board") }
            try await search(desk, w)
            try await queues(desk, w)
            try await refusedNewTicket(desk, w)
            try await refusedSiteForm(desk, w)
        } catch {
            _ = try? await desk.screenshot(to: BoardBrowserTests.artifacts + "/desk-forms-failure.png")
            await desk.quit()
            throw error
        }
        await desk.quit()
        try await longWords(w)
    }

    /// The New ticket search box, typed into and sent with its button: spaces arrive as spaces,
    /// and a customer's own main phone and email find it, as its contacts' do.
    private func search(_ desk: Browser, _ w: World) async throws {
        for (typed, why) in [
            ("Yuki Tanaka", "a contact's full name, with a space"), ("5550 7781", "the customer's own phone, as said"),
            ("desk@tanaka", "the customer's own email"),
        ] {
            try await desk.go(w.serve.url + "/board/tickets/new")
            try await desk.type("#find", typed)
            try await desk.click("#search")
            _ = try await desk.url { $0.contains("/board/tickets/new?q=") }
            let found = try await desk.text("#found")
            #expect(found.contains("Tanaka Trading"), "\(why): \(found)")
            #expect(try await desk.attribute(try await desk.find("#find"), "value") == typed, "the box shows what was typed")
        }
        try await WorkdayBrowserTests.shot(desk, "desk-search-space")
    }

    /// The Queues filters as rendered: S1–S4 (not "SOptional(1)"), and a text with a space.
    private func queues(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.serve.url + "/board/queues")
        let labels =
            try await desk.execute("return [...document.querySelectorAll('select[name=severity] option')].map(o => o.textContent)")
            as? [String]
        #expect(labels == ["any", "S1", "S2", "S3", "S4", "S1–S2", "S1–S3"], "\(labels ?? [])")
        let tiers =
            try await desk.execute("return [...document.querySelectorAll('select[name=tier] option')].map(o => o.value)") as? [String]
        #expect(tiers == ["", "1", "2", "3"], "\(tiers ?? [])")
        try await desk.click("select[name=severity] option[value=\"1\"]")
        try await desk.type("#filter-text", "receipt printer")
        try await desk.execute("document.querySelector('select[name=severity]').form.requestSubmit()")
        _ = try await desk.url { $0.contains("severity=1") }
        let page = try await desk.source
        #expect(
            page.contains("Receipt printer jams at the till") && !page.contains("Receipt printer needs paper"), "S1 and the words filter")
        #expect(try await desk.attribute(try await desk.find("#filter-text"), "value") == "receipt printer")
        try await WorkdayBrowserTests.shot(desk, "desk-queues-filtered")
    }

    /// A title of spaces passes the browser's `required`; a description over the limit too. The
    /// page comes back with what was typed and each problem next to its field, not a bare error page.
    private func refusedNewTicket(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.serve.url + "/board/tickets/new?customer=\(w.customer)")
        try await desk.type("#title", "   ")
        try await desk.type("#ticket-tags", "till, printer")
        try await desk.execute("document.querySelector('#description').value = 'x'.repeat(100001)")
        try await desk.click("#severity option[value=\"2\"]")
        try await desk.click("#open-ticket")
        #expect(try await desk.waitUntil(seconds: 10) { (try? await desk.text("#title-error")) != nil })
        #expect(try await desk.text("#title-error").contains("must not be empty"))
        #expect(try await desk.text("#description-error").contains("longer than 100000 characters"))
        let kept =
            try await desk.execute(
                """
                return [document.querySelector('#description').value.length, document.querySelector('#ticket-tags').value,
                        document.querySelector('#severity').value, document.querySelector('#title').getAttribute('aria-invalid')]
                """) as? [Any]
        #expect(
            kept?[0] as? Int == 100001 && kept?[1] as? String == "till, printer" && kept?[2] as? String == "2"
                && kept?[3] as? String == "true", "\(kept ?? [])")
        #expect(try await desk.text("h1") == "New ticket")
        try await WorkdayBrowserTests.shot(desk, "desk-new-ticket-refused")
    }

    /// A site with two mistakes: both are said next to their fields, and the form keeps every value.
    private func refusedSiteForm(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.serve.url + "/board/customers/\(w.customer)")
        try await desk.click("#new-site summary")
        try await desk.type("#new-site-name", "Osaka branch")
        try await desk.execute("document.querySelector('#new-site-timeZone').value = ''")
        try await desk.type("#new-site-timeZone", "Mars/Olympus")
        try await desk.type("#new-site-openingHours", "1 08:00-17:00\n9 25:00-26:00")
        try await desk.click("#new-site-submit")
        #expect(try await desk.waitUntil(seconds: 10) { (try? await desk.text("#new-site-timeZone-error")) != nil })
        #expect(try await desk.text("#new-site-timeZone-error").isEmpty == false)
        let hoursError = try await desk.text("#new-site-openingHours-error")
        #expect(hoursError.contains("9 is outside 1...7"), "\(hoursError)")
        let kept =
            try await desk.execute(
                """
                return ['name', 'timeZone', 'openingHours'].map(f => document.querySelector('#new-site-' + f).value)
                """) as? [String]
        #expect(kept == ["Osaka branch", "Mars/Olympus", "1 08:00-17:00\n9 25:00-26:00"], "\(kept ?? [])")
        try await WorkdayBrowserTests.shot(desk, "desk-site-form-refused")
    }

    /// One long unbroken word (a pasted URL) wraps: the ticket page and the board fit a phone's 390 px.
    private func longWords(_ w: World) async throws {
        let phone = try await Browser(try TempFolder(), javaScript: true, width: 390, height: 844)
        do {
            try await WorkdayBrowserTests.signIn(phone, w.serve.url, Self.admin.login, Self.admin.password)
            for (path, name) in [
                ("/board/tickets/\(w.longTicket)", "long-word-ticket"), ("/board", "long-word-board"),
                ("/board/queues", "long-word-queues"),
            ] {
                try await phone.go(w.serve.url + path)
                let widths = try await phone.execute("return [document.documentElement.scrollWidth, window.innerWidth]") as? [Int]
                #expect((widths?[0] ?? .max) <= (widths?[1] ?? 0), "\(path) is \(widths ?? []) (scroll, window) wide")
                try await WorkdayBrowserTests.shot(phone, name)
            }
        } catch {
            await phone.quit()
            throw error
        }
        await phone.quit()
    }
}
