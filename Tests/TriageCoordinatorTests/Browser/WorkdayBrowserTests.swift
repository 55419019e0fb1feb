import Foundation
import HummingbirdOTP
import TestSupport
import Testing

/// A day at the service desk in two real Chromium windows with JavaScript on, against a real
/// `triage serve`: the first admin sets up and makes the people's accounts; the desk finds a
/// caller by phone and opens an S1 ticket; the technician, on My work in a second window, sees it
/// arrive without reloading, replies, waits for the customer, resolves; the dispatcher's page
/// follows live, keeps what she was typing, and shows the API's refusal for a move the ticket no
/// longer allows; she reassigns another ticket reading each technician's eligibility. Then the
/// guards: a forged form, a password change ending the other session, the second factor, a
/// disabled person's open page going to the sign-in form, throttled sign-ins; and the pages on a
/// phone-width window. Screenshots go to .build/artifacts/board/.
@Suite(.serialized) struct WorkdayBrowserTests {
    struct World {
        var serve: TriageServe
        var customer = 0, vera = 0, otto = 0, quietTicket = 0
        var setupLink = ""
        let ada = (login: "ada", password: "ada sets triage up")
        let dora = (login: "dora", password: "dora dispatches all day")
        let vera1 = (login: "vera", password: "vera drives to the sites")
        let vera2 = "vera has a new password now"
    }

    static func world(_ folder: TempFolder) throws -> World {
        try BoardBrowserTests.configuration.write(toFile: folder.path + "/triage.yaml", atomically: true, encoding: .utf8)
        var w = World(serve: try TriageServe(folder, ["--config", folder.path + "/triage.yaml"]))
        func post(_ path: String, _ json: String) throws -> Int {
            let (status, body) = try w.serve.request("POST", "/api/v1" + path, json)
            guard (200..<300).contains(status), let id = body["id"] as? Int else {
                throw TestSupportError("POST \(path): \(status) \(body)")
            }
            return id
        }
        w.customer = try post("/customers", #"{"name": "Acme Logistics"}"#)
        _ = try post("/contacts", #"{"customerId": \#(w.customer), "name": "Carla Caller", "phone": "+49 170 555 0101"}"#)
        let site = try post("/sites", #"{"customerId": \#(w.customer), "name": "HQ", "timeZone": "Europe/Berlin"}"#)
        _ = try post("/hosts", #"{"siteId": \#(site), "name": "mail1"}"#)
        let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        w.vera = try post("/technicians", #"{"name": "Vera", "timeZone": "Europe/Berlin", "shifts": [\#(always)]}"#)
        let away =
            #"{"from": "\#((Date() - 3600).formatted(.iso8601))", "to": "\#((Date() + 3 * 86_400).formatted(.iso8601))", "reason": "training"}"#
        w.otto = try post("/technicians", #"{"name": "Otto", "timeZone": "Europe/Berlin", "shifts": [\#(always)], "absences": [\#(away)]}"#)
        w.quietTicket = try post("/tickets", #"{"title": "Printer queue question", "severity": 4, "customerId": \#(w.customer)}"#)
        w.setupLink = w.serve.setupLink
        return w
    }

    static func shot(_ browser: Browser, _ name: String) async throws {
        try await browser.screenshot(to: BoardBrowserTests.artifacts + "/\(name).png")
    }

    static func signIn(_ browser: Browser, _ base: String, _ login: String, _ password: String) async throws {
        try await browser.go(base + "/board/login")
        try await browser.type("#login", login)
        try await browser.type("#password", password)
        try await browser.click("#sign-in")
    }

    static func signOut(_ browser: Browser, _ base: String) async throws {
        try await browser.click("form.logout button")
        _ = try await browser.url { $0.hasPrefix(base + "/board/login") }
    }

    @Test func aDayOfWorkInTheBrowserAlone() async throws {
        let folder = try TempFolder()
        var w = try Self.world(folder)
        defer { w.serve.process.terminate() }
        try FileManager.default.createDirectory(atPath: BoardBrowserTests.artifacts, withIntermediateDirectories: true)
        let desk = try await Browser(folder, javaScript: true)
        let field = try await Browser(try TempFolder(), javaScript: true)
        do {
            try await setUp(desk, w)
            let ticket = try await callComesIn(desk, field, w)
            try await ticketIsWorked(desk, field, w, ticket)
            try await reassign(desk, &w)
            try await guards(desk, field, w)
        } catch {
            _ = try? await desk.screenshot(to: BoardBrowserTests.artifacts + "/workday-failure-desk.png")
            _ = try? await field.screenshot(to: BoardBrowserTests.artifacts + "/workday-failure-field.png")
            await desk.quit()
            await field.quit()
            throw error
        }
        await desk.quit()
        await field.quit()
        try await phoneWidth(w)
    }

    /// First start: the printed link, the admin's password, then the people's accounts from the people page.
    private func setUp(_ browser: Browser, _ w: World) async throws {
        let base = w.serve.url
        try await browser.go(w.setupLink)
        for (selector, value) in [("#login", w.ada.login), ("#password", w.ada.password), ("#confirm", w.ada.password)] {
            try await browser.type(selector, value)
        }
        try await browser.click("#set-up")
        _ = try await browser.url { $0 == base + "/board" }
        for (login, name, role, password, technician) in [
            (w.dora.login, "Dora", "dispatcher", w.dora.password, nil),
            (w.vera1.login, "Vera", "technician", w.vera1.password, w.vera),
        ] {
            try await browser.go(base + "/board/users")
            try await browser.type("#user-login", login)
            try await browser.type("#user-name", name)
            try await browser.click("#user-role option[value=\"\(role)\"]")
            if let technician { try await browser.type("#user-technician", "\(technician)") }
            try await browser.type("#user-password", password)
            try await browser.click("#create-user")
            #expect(try await browser.text("#notice").contains("\(login) can sign in now"))
        }
        try await Self.shot(browser, "people-and-tokens")
        try await Self.signOut(browser, base)
    }

    /// The desk takes a call: the caller's phone number finds the customer, the card shows their
    /// history, the S1 ticket opens and says whom assignment chose and why; the technician's My
    /// work, open in the other window, shows it within 5 s without a reload.
    private func callComesIn(_ desk: Browser, _ field: Browser, _ w: World) async throws -> Int {
        let base = w.serve.url
        try await Self.signIn(field, base, w.vera1.login, w.vera1.password)
        try await field.go(base + "/board/my")
        #expect(try await field.waitUntil(seconds: 20) { try await field.text("#live-status") == "Live: on" })
        // The page notes the moment a ticket's link appears in it (and it is never reloaded: the
        // mark would be gone). The latency is measured there, not by this test's WebDriver calls,
        // which can be slow on a busy machine.
        try await field.execute(
            """
            window.sameDocument = true;
            window.seen = {};
            new MutationObserver(function () {
              document.querySelectorAll('#live-mywork a[href^="/board/tickets/"]').forEach(function (a) {
                if (!window.seen[a.getAttribute('href')]) window.seen[a.getAttribute('href')] = Date.now();
              });
            }).observe(document.body, {childList: true, subtree: true});
            """)

        try await Self.signIn(desk, base, w.dora.login, w.dora.password)
        try await desk.click("#new-ticket-link")
        try await desk.type("#find", "0170 555-0101")
        try await desk.click("#search")
        try await desk.click("#customer-\(w.customer)")
        let card = try await desk.text("#card")
        #expect(card.contains("Carla Caller") && card.contains("Printer queue question") && card.contains("mail1"), "\(card)")
        try await Self.shot(desk, "new-ticket-card")
        try await desk.type("#title", "Mail server <b>down</b>")
        try await desk.type("#description", "Nobody at HQ receives mail since 9:00.")
        try await desk.click("#severity option[value=\"1\"]")
        try await desk.click("#open-ticket")
        let url = try await desk.url { $0.contains("?opened=1") }
        let ticket = try #require(url.firstMatch(of: /\/board\/tickets\/(\d+)\?opened=1/).flatMap { Int($0.1) }, "\(url)")
        let notice = try await desk.text("#notice")
        #expect(notice.hasPrefix("Ticket \(ticket) opened and assigned:") && notice.contains("Vera"), "\(notice)")
        let facts = try await desk.text("#live-summary .facts")
        #expect(facts.range(of: #"assignee\s+Vera"#, options: .regularExpression) != nil, "\(facts)")

        let link = "#live-mywork a[href=\"/board/tickets/\(ticket)\"]"
        #expect(try await field.waitUntil(seconds: 20) { !(try await field.findAll(link)).isEmpty }, "My work shows the new ticket")
        let created = try #require(w.serve.request("GET", "/api/v1/tickets/\(ticket)").json["createdAt"] as? String)
        let createdMs = try #require(BoardBrowserTests.instant(created)).timeIntervalSince1970 * 1000
        let seenMs = try await field.execute("return window.seen['/board/tickets/\(ticket)'] || 0;") as? Double ?? 0
        #expect(seenMs > createdMs && seenMs - createdMs < 5000, "My work showed it \((seenMs - createdMs) / 1000) s after it was opened")
        #expect(try await field.execute("return window.sameDocument === true;") as? Bool == true, "without reloading the page")
        try await Self.shot(field, "my-work")
        return ticket
    }

    /// The technician replies (the response clock stops), waits for the customer (the clock
    /// pauses), resolves. The dispatcher's page follows each change without a reload, leaves her
    /// half-typed escalation alone, and a move the resolved ticket no longer allows gets the API's sentence.
    private func ticketIsWorked(_ desk: Browser, _ field: Browser, _ w: World, _ ticket: Int) async throws {
        try await desk.execute("window.sameDocument = true;")
        try await field.click("#live-mywork a[href=\"/board/tickets/\(ticket)\"]")
        _ = try await field.url { $0.hasSuffix("/board/tickets/\(ticket)") }
        #expect(try await field.text("#ticket-title").contains("Mail server <b>down</b>"), "the title is text, not markup")
        #expect(try await field.findAll("#ticket-title b").isEmpty)
        // By keyboard alone: Tab to the reply, type it, Tab to Send (past the two choices), Enter.
        var presses = 0
        while try await field.focused != "reply-body", presses < 60 {
            try await field.press(Browser.tab)
            presses += 1
        }
        #expect(try await field.focused == "reply-body", "Tab reaches the reply box")
        try await field.press("<img src=x id=injected> We are on it.")
        while try await field.focused != "send-comment", presses < 80 {
            try await field.press(Browser.tab)
            presses += 1
        }
        try await field.press(Browser.enter)
        #expect(try await field.text("#live-summary .sla-met").hasPrefix("responded"), "the response clock stopped")
        #expect(try await field.text("#history").contains("<img src=x id=injected> We are on it."))
        #expect(try await field.findAll("#injected").isEmpty)

        // The dispatcher's open page shows the reply, then she starts typing an escalation.
        #expect(try await desk.waitUntil(seconds: 20) { !(try await desk.findAll("#live-summary .sla-met")).isEmpty })
        try await desk.click("#escalate-more")
        try await desk.type("#escalate-reason", "the customer's CEO called")

        try await field.click("#move-waiting_customer")
        _ = try await field.find("#live-summary .sla-paused")
        #expect(try await field.text("#live-summary .sla-paused").contains("paused"), "the resolution clock is paused")
        #expect(try await desk.waitUntil(seconds: 20) { !(try await desk.findAll("#live-summary .sla-paused")).isEmpty })
        try await Self.shot(desk, "ticket-live-dispatcher")

        try await field.type("#resolve-note", "Restarted the mail queue; mail flows again.")
        try await field.click("#resolve")
        #expect(try await field.waitUntil(seconds: 20) { try await field.text("#live-summary .facts").contains("resolved") })
        #expect(try await desk.waitUntil(seconds: 20) { try await desk.text("#live-summary .facts").contains("resolved") })
        #expect(try await desk.execute("return window.sameDocument === true;") as? Bool == true, "her page was never reloaded")
        #expect(
            try await desk.execute("return document.querySelector('#escalate-reason').value;") as? String == "the customer's CEO called",
            "what she was typing is still there")
        try await desk.click("#move-waiting_vendor")
        let refusal = try await desk.text("#error")
        #expect(refusal.contains("resolved"), "the API's sentence: \(refusal)")
        let (_, json) = try w.serve.request("GET", "/api/v1/tickets/\(ticket)")
        #expect(json["status"] as? String == "resolved")
    }

    /// The dispatcher reassigns the quiet ticket, reading who is eligible and why not.
    private func reassign(_ desk: Browser, _ w: inout World) async throws {
        let (status, body) = try w.serve.request(
            "POST", "/api/v1/technicians",
            #"{"name": "Kim", "shifts": [\#((1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ","))]}"#
        )
        let kim = try #require(body["id"] as? Int, "\(status) \(body)")
        try await desk.go(w.serve.url + "/board/tickets/\(w.quietTicket)")
        let otto = try await desk.text("#candidate-\(w.otto)")
        #expect(otto.contains("not eligible:") && otto.contains("shift"), "away for three days: \(otto)")
        #expect(try await desk.text("#candidate-\(kim)").contains("— eligible"))
        #expect(try await desk.text("#candidate-\(w.vera)").contains("(has it)"))
        try await desk.click("#candidate-\(kim) input")
        try await desk.click("#assign")
        #expect(try await desk.waitUntil(seconds: 20) { try await desk.text("#live-summary .facts").contains("Kim") })
        #expect(try w.serve.request("GET", "/api/v1/tickets/\(w.quietTicket)").json["assigneeId"] as? Int == kim)
    }

    private func guards(_ desk: Browser, _ field: Browser, _ w: World) async throws {
        let base = w.serve.url
        // A forged form (another token in its CSRF field) is refused and changes nothing.
        let before = try w.serve.request("GET", "/api/v1/tickets/\(w.quietTicket)/events").json["items"] as? [Any]
        // (Typed first: a form being filled in is never swapped by a live update, which would bring the real token back.)
        try await desk.type("#reply-body", "from a forged form")
        try await desk.execute("document.querySelector('#reply-form input[name=csrf]').value = 'forged';")
        try await desk.click("#send-comment")
        #expect(try await desk.text("main").contains("security token"))
        #expect(try await desk.text("header .who") == "Dora · dispatcher", "the refusal's page still says who is signed in")
        let after = try w.serve.request("GET", "/api/v1/tickets/\(w.quietTicket)/events").json["items"] as? [Any]
        #expect(before?.count == after?.count && before != nil)

        // Vera's other session (a script's, with curl) ends when she changes her password here; this one stays.
        let jarFolder = try TempFolder()
        let jar = jarFolder.path + "/jar"
        let signedIn = try w.serve.signIn(w.vera1.login, password: w.vera1.password, jar: jar)
        #expect(signedIn == 303, "\(signedIn)")
        try await field.go(base + "/board/account")
        try await field.type("#current", w.vera1.password)
        try await field.type("#new-password", w.vera2)
        try await field.type("#confirm", w.vera2)
        try await field.click("#change-password")
        _ = try await field.find("#notice")
        #expect(
            try TriageServe.curl(["-o", "/dev/null", "-b", jar, base + "/board"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == "303",
            "the other session ended")
        try await field.go(base + "/board/my")
        #expect(try await field.url == base + "/board/my", "this one did not")

        // Her second factor: enrol with the app's code, then sign in with password and code.
        try await field.go(base + "/board/account")
        try await field.click("#start-second-factor")
        let app = TOTP(secret: String(decoding: AccessibilityTests.base32(try await field.text("#second-factor-key")), as: UTF8.self))
        try await field.type("#code", String(format: "%06d", app.compute()))
        try await field.click("#confirm-second-factor")
        _ = try await field.find("#recovery-codes")
        try await Self.shot(field, "account-recovery-codes")
        try await Self.signOut(field, base)
        try await Self.signIn(field, base, w.vera1.login, w.vera2)
        try await field.type("#code", String(format: "%06d", app.compute(date: Date() + 30)))
        try await field.click("#confirm-code")
        #expect(try await field.url { $0 == base + "/board" } == base + "/board")

        // Disabled by the admin, her open My work page goes to the sign-in form by itself.
        try await field.go(base + "/board/my")
        #expect(try await field.waitUntil(seconds: 20) { try await field.text("#live-status") == "Live: on" })
        try await Self.signOut(desk, base)
        try await Self.signIn(desk, base, w.ada.login, w.ada.password)
        try await desk.go(base + "/board/users")
        try await desk.click("button[aria-label=\"Disable vera\"]")
        #expect(try await desk.text("#notice").contains("vera is disabled"))
        #expect(
            try await field.waitUntil(seconds: 25) { try await field.url.hasPrefix(base + "/board/login") },
            "the page left for the sign-in form")

        // Sign-ins are throttled: five failures for one name from one place are free, the sixth
        // makes the next wait (a minute, doubling up to 15).
        try await Self.signOut(desk, base)
        for attempt in 1...7 {
            try await Self.signIn(desk, base, "ghost", "not the password \(attempt)")
            let error = try await desk.text("#error")
            if attempt < 7 {
                #expect(error.contains("the login name or the password is wrong"), "\(attempt): \(error)")
            } else {
                #expect(error.contains("too many failed sign-ins"), "\(error)")
            }
        }
        try await Self.shot(desk, "sign-in-throttled")
    }

    /// On a phone-width window (390 px) every page fits the width: nothing scrolls sideways
    /// except a wide table inside its own box.
    private func phoneWidth(_ w: World) async throws {
        let phone = try await Browser(try TempFolder(), javaScript: true, width: 390, height: 844)
        do {
            try await phoneWidth(w, on: phone)
        } catch {
            await phone.quit()
            throw error
        }
        await phone.quit()
    }

    private func phoneWidth(_ w: World, on phone: Browser) async throws {
        let base = w.serve.url
        try await Self.signIn(phone, base, w.dora.login, w.dora.password)
        // The board and the queues are live too: a ticket opened elsewhere appears without a reload.
        for (path, part) in [("/board", "#live-queues"), ("/board/queues", "#live-queue")] {
            try await phone.go(base + path)
            #expect(try await phone.waitUntil(seconds: 20) { try await phone.text("#live-status") == "Live: on" })
            let title = "Scanner offline on \(part)"
            _ = try w.serve.request("POST", "/api/v1/tickets", #"{"title": "\#(title)", "severity": 3}"#)
            #expect(try await phone.waitUntil(seconds: 20) { try await phone.text(part).contains(title) }, "\(path) shows it")
        }
        for (path, name) in [
            ("/board", "board-phone"), ("/board/tickets/\(w.quietTicket)", "ticket-phone"), ("/board/queues", "queues-phone"),
            ("/board/tickets/new?customer=\(w.customer)", "new-ticket-phone"), ("/board/customers/\(w.customer)", "customer-phone"),
        ] {
            try await phone.go(base + path)
            let widths =
                try await phone.execute(
                    """
                    return [document.documentElement.scrollWidth, window.innerWidth,
                            [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                                .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).join(' ')];
                    """) as? [Any]
            let (scroll, inner) = (widths?[0] as? Int ?? 0, widths?[1] as? Int ?? 0)
            #expect(scroll <= inner && inner > 0, "\(path) is \(scroll) px wide on a \(inner) px phone: \(widths?[2] ?? "")")
            try await Self.shot(phone, name)
        }
    }
}
