import Foundation
import TestSupport
import Testing

/// A morning at the desk in real Chromium with JavaScript on, against `triage serve` and mail
/// piped through the real `triage mailgate`, every form submitted as its page renders it: the
/// search box (reached with /) finds a ticket by a word of the customer's mail and by a phone
/// number typed with spaces; a saved view's count changes live; a bulk assignment of three tickets
/// says why one was refused; 25 minutes are logged; a reply text goes in with the requester's
/// name; a duplicate is merged; a technician takes an unassigned ticket; a visit is moved from the
/// timeline; the keyboard alone opens a ticket from the queue and replies. Screenshots go to
/// .build/artifacts/board/.
@Suite(.serialized) struct DeskFlowBrowserTests {
    static let dora = (login: "dora", password: "dora dispatches all day")
    static let tess = (login: "tess", password: "tess fixes what breaks")

    struct World {
        var desk: MailProcessTests.Desk
        var tess = 0, kenji = 0, mailed = 0, phoned = 0, open1 = 0, open2 = 0, closed = 0, duplicate = 0, loose = 0
        var visit = 0, visitTicket = 0
    }

    static func world(_ sink: SMTPSink) throws -> World {
        var w = World(desk: try MailProcessTests.Desk(sink: sink))
        let serve = w.desk.serve
        func post(_ path: String, _ json: String) throws -> Int {
            let (status, body) = try serve.request("POST", "/api/v1" + path, json)
            guard (200..<300).contains(status), let id = body["id"] as? Int else {
                throw TestSupportError("POST \(path): \(status) \(body)")
            }
            return id
        }
        let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        // Nobody on shift yet: the tickets below stay unassigned.
        w.tess = try post("/technicians", #"{"name": "Tess", "tier": 2, "timeZone": "UTC", "shifts": []}"#)
        w.kenji = try post("/contacts", #"{"customerId": \#(w.desk.customer), "name": "Kenji Sato", "phone": "+81 3 1234 5678"}"#)
        w.phoned = try post(
            "/tickets", #"{"title": "Label printer offline", "customerId": \#(w.desk.customer), "requesterId": \#(w.kenji)}"#)
        let mail = [
            "From: Yuki Tanaka <yuki@acme.example>", "To: support@triage.test", "Subject: Scanner stopped",
            "Message-ID: <\(UUID().uuidString)@mua.example>", "Date: Mon, 07 Dec 2026 09:00:00 +0000",
            "Content-Type: text/plain; charset=utf-8", "",
            "Hello,", "the Kyocera in the Besprechungsraum jams on every page.", "",
        ].joined(separator: "\r\n")
        let piped = try Shell.run("/bin/sh", ["-c", w.desk.mailgate], input: mail)
        guard piped.status == 0 else { throw TestSupportError("triage mailgate: \(piped.stderr)") }
        w.mailed = try w.desk.tickets().first { $0["title"] as? String == "Scanner stopped" }?["id"] as? Int ?? 0
        w.open1 = try post("/tickets", #"{"title": "Outlook asks for the password", "severity": 3}"#)
        w.open2 = try post("/tickets", #"{"title": "Teams camera black", "severity": 3}"#)
        w.closed = try post("/tickets", #"{"title": "Old question", "severity": 4}"#)
        _ = try serve.request("PATCH", "/api/v1/tickets/\(w.closed)", #"{"status": "closed"}"#)
        w.duplicate = try post("/tickets", #"{"title": "Scanner broken (again)", "customerId": \#(w.desk.customer)}"#)
        w.loose = try post("/tickets", #"{"title": "Printer driver for the new laptop", "severity": 4, "tier": 1}"#)
        // Tess is on shift from now on, and has a visit tomorrow at the customer's site.
        _ = try serve.request(
            "PUT", "/api/v1/technicians/\(w.tess)", #"{"name": "Tess", "tier": 2, "timeZone": "UTC", "shifts": [\#(always)]}"#)
        let site = try post("/sites", #"{"customerId": \#(w.desk.customer), "name": "HQ", "timeZone": "UTC"}"#)
        let host = try post("/hosts", #"{"siteId": \#(site), "name": "scan1"}"#)
        w.visitTicket = try post("/tickets", #"{"title": "Replace the scanner's feeder", "hostId": \#(host), "assigneeId": \#(w.tess)}"#)
        let tomorrow = String((Date() + 86_400).formatted(.iso8601).prefix(10))
        w.visit = try post(
            "/visits",
            #"{"ticketId": \#(w.visitTicket), "technicianId": \#(w.tess), "start": "\#(tomorrow)T09:00:00Z", "end": "\#(tomorrow)T10:00:00Z"}"#
        )
        for (who, role, technician) in [(Self.dora, "dispatcher", nil), (Self.tess, "technician", w.tess)]
            as [((login: String, password: String), String, Int?)]
        {
            let made = try Shell.run(
                builtProduct("triage"),
                ["user", "create", who.login, "--role", role, "--password-stdin", "--config", w.desk.config, "--data", serve.data]
                    + (technician.map { ["--technician", "\($0)"] } ?? []),
                input: who.password + "\n")
            guard made.status == 0 else { throw TestSupportError("triage user create: \(made.stderr)") }
        }
        return w
    }

    @Test func aMorningAtTheDeskByKeyboardAndForm() async throws {
        let sink = try await SMTPSink()
        defer { _ = sink.stop() }
        let w = try Self.world(sink)
        defer { w.desk.serve.process.terminate() }
        #expect(w.mailed > 0, "the mail opened a ticket")
        try FileManager.default.createDirectory(atPath: BoardBrowserTests.artifacts, withIntermediateDirectories: true)
        let desk = try await Browser(w.desk.folder, javaScript: true)
        let field = try await Browser(try TempFolder(), javaScript: true)
        do {
            try await WorkdayBrowserTests.signIn(desk, w.desk.serve.url, Self.dora.login, Self.dora.password)
            _ = try await desk.url { $0.hasSuffix("/board") }
            try await search(desk, w)
            try await savedView(desk, w)
            try await bulkAssign(desk, w)
            try await timeAndReplyText(desk, w)
            try await merge(desk, w)
            try await take(field, w)
            try await bell(field, w)
            try await moveVisit(desk, w)
            try await keyboard(desk, w)
        } catch {
            _ = try? await desk.screenshot(to: BoardBrowserTests.artifacts + "/desk-flow-failure.png")
            _ = try? await field.screenshot(to: BoardBrowserTests.artifacts + "/desk-flow-failure-field.png")
            await desk.quit()
            await field.quit()
            throw error
        }
        await desk.quit()
        await field.quit()
    }

    /// / puts the cursor in the header's box; a word from the mail's body, then a phone number with spaces.
    private func search(_ desk: Browser, _ w: World) async throws {
        try await desk.press("/")
        #expect(try await desk.focused == "search-box")
        try await desk.press("besprechungsraum" + Browser.enter)
        _ = try await desk.url { $0.contains("/board/search?q=besprechungsraum") }
        #expect(try await desk.text("#search-tickets").contains("#\(w.mailed) Scanner stopped"))
        #expect(try await desk.text("#hit-\(w.mailed) mark") == "Besprechungsraum")
        try await WorkdayBrowserTests.shot(desk, "desk-flow-search")
        try await desk.type("#search-box", "")
        try await desk.execute("document.getElementById('search-box').value = '';")
        try await desk.type("#search-box", "03 1234 5678")
        try await desk.press(Browser.enter)
        _ = try await desk.url { $0.contains("q=03+1234+5678") }
        #expect(try await desk.text("#search-parties").contains("Kenji Sato"))
        #expect(try await desk.text("#hit-\(w.phoned)").contains("requester Kenji Sato"))
    }

    /// Unassigned, saved as a view; its count follows a new ticket without a reload.
    private func savedView(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.desk.serve.url + "/board/queues")
        try await desk.click("#filter-assignee option[value=\"none\"]")
        try await desk.click("#filter")
        _ = try await desk.url { $0.contains("assignee=none") }
        try await desk.type("#view-name", "Unassigned")
        try await desk.click("#save-view")
        _ = try await desk.url { $0.contains("saved=") }
        #expect(try await desk.waitUntil(seconds: 20) { try await desk.text("#live-status") == "Live: on" })
        let before = Int(try await desk.text("#saved-views .view-count")) ?? -1
        #expect(before >= 5, "the unassigned tickets")
        _ = try w.desk.serve.request("POST", "/api/v1/tickets", #"{"title": "Monitor flickers", "severity": 4, "tier": 3}"#)
        #expect(
            try await desk.waitUntil(seconds: 20) { Int(try await desk.text("#saved-views .view-count")) == before + 1 }, "the count, live")
        #expect(
            try await desk.waitUntil(seconds: 20) { try await desk.text("#summary").hasPrefix("1–\(before + 1) of \(before + 1)") },
            "and the table")
        try await WorkdayBrowserTests.shot(desk, "desk-flow-queue-table")
    }

    /// Three ticked, one closed: two assigned, the third refused in words.
    private func bulkAssign(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.desk.serve.url + "/board/queues")
        try await desk.click("input[name=\"closed\"]")
        try await desk.click("#filter")
        _ = try await desk.url { $0.contains("closed=on") }
        for id in [w.open1, w.open2, w.closed] { try await desk.click("#select-\(id)") }
        try await desk.click("#bulk-action option[value=\"assign\"]")
        try await desk.click("#bulk-assignee option[value=\"\(w.tess)\"]")
        try await desk.click("#bulk-apply")
        _ = try await desk.url { $0.hasSuffix("/board/queues/bulk") }
        #expect(try await desk.text("#bulk-summary") == "Assigned: 2 of 3 tickets.")
        let refusal = try await desk.text("#bulk-\(w.closed)")
        #expect(refusal.contains("not done: ticket \(w.closed) is closed"), "\(refusal)")
        #expect(try w.desk.serve.request("GET", "/api/v1/tickets/\(w.open2)").json["assigneeId"] as? Int == w.tess)
    }

    /// 25 minutes on the mailed ticket; a reply text inserted with Yuki's name, without a reload.
    private func timeAndReplyText(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.desk.serve.url + "/board/replies")
        try await desk.type("#reply-text-name", "Greeting")
        try await desk.type("#reply-text-body", "Hello {requester_first}, we are looking at {ticket} now.")
        try await desk.click("#save-reply-text")
        _ = try await desk.url { $0.contains("/board/replies?saved=1") }

        try await desk.go(w.desk.serve.url + "/board/tickets/\(w.mailed)")
        try await desk.type("#time-minutes", "25")
        try await desk.type("#time-note", "Walked Yuki through the feeder")
        try await desk.click("#log-time")
        _ = try await desk.url { $0.hasSuffix("#time") }
        #expect(try await desk.text("#time-total") == "25 min in all, 25 min billable.")

        try await desk.click("#insert-canned")
        let typed = try await desk.execute("return document.getElementById('reply-body').value;") as? String ?? ""
        #expect(typed == "Hello Yuki, we are looking at #\(w.mailed) now.")
        #expect(try await desk.url { _ in true }.contains("canned=") == false, "inserted in place, no reload")
    }

    /// The duplicate goes into the mailed ticket.
    private func merge(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.desk.serve.url + "/board/tickets/\(w.duplicate)")
        try await desk.type("#merge-into", "#\(w.mailed)")
        try await desk.click("#merge-ticket")
        _ = try await desk.url { $0.hasSuffix("/board/tickets/\(w.mailed)#history") }
        #expect(try await desk.text("#history").contains("Ticket #\(w.duplicate) “Scanner broken (again)” merged into #\(w.mailed)"))
        #expect(try w.desk.serve.request("GET", "/api/v1/tickets/\(w.duplicate)").json["mergedInto"] as? Int == w.mailed)
    }

    /// Tess takes the unassigned ticket of her tier from its page.
    private func take(_ field: Browser, _ w: World) async throws {
        try await WorkdayBrowserTests.signIn(field, w.desk.serve.url, Self.tess.login, Self.tess.password)
        _ = try await field.url { $0.contains("/board") }
        try await field.go(w.desk.serve.url + "/board/tickets/\(w.loose)")
        try await field.click("#take")
        _ = try await field.url { $0.contains("/board/tickets/\(w.loose)") && $0.contains("#history") }
        #expect(try await field.text("#history").contains("taken by Tess"))
        #expect(try w.desk.serve.request("GET", "/api/v1/tickets/\(w.loose)").json["assigneeId"] as? Int == w.tess)
    }

    /// Tess's bell, on a page with nothing live: a mention made elsewhere rings it; the bell leads
    /// to her notifications and on to the ticket, whose opening reads them.
    private func bell(_ field: Browser, _ w: World) async throws {
        try await field.go(w.desk.serve.url + "/board/account")
        let before = Int(try await field.text("#bell-count")) ?? 0
        #expect(before >= 2, "the tickets Dora assigned her in bulk")
        #expect(
            try await field.waitUntil(seconds: 20) {
                try await field.execute("return document.body.hasAttribute('data-live-open')") as? Bool ?? false
            })
        let note = #"{"body": "@tess could you look at the scanner today?", "visibility": "internal"}"#
        #expect(try w.desk.serve.request("POST", "/api/v1/tickets/\(w.open1)/comments", note).status == 201)
        #expect(
            try await field.waitUntil(seconds: 20) { try await field.text("#bell-count") == "\(before + 1)" },
            "the bell rang without a reload")
        try await field.click("#bell")
        _ = try await field.url { $0.hasSuffix("/board/notifications") }
        #expect(try await field.text("#notification-list li:first-child").contains("Mentioned you in a note: @tess could you look"))
        try await field.click("#notification-list li:first-child a")
        _ = try await field.url { $0.hasSuffix("/board/tickets/\(w.open1)") }
        let after = Int(try await field.text("#bell-count")) ?? 0
        #expect(after < before + 1, "opening the ticket read what she was told about it")
        try await field.go(w.desk.serve.url + "/board/notifications")
        #expect(try await field.execute("return document.querySelector('#notification-list li:first-child').className") as? String == "")
    }

    /// From the board's timeline to the visit's page, two hours later.
    private func moveVisit(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.desk.serve.url + "/board")
        try await desk.click("#timeline-visit-\(w.visit)")
        _ = try await desk.url { $0.hasSuffix("/board/visits/\(w.visit)") }
        try await desk.execute(
            "document.getElementById('visit-start').value = '11:00'; document.getElementById('visit-end').value = '12:00';")
        try await desk.click("#reschedule")
        _ = try await desk.url { $0.contains("/board/tickets/\(w.visitTicket)?visit=\(w.visit)") }
        #expect(try await desk.text("#notice").contains("11:00–12:00"))
        let start = try w.desk.serve.request("GET", "/api/v1/visits/\(w.visit)").json["start"] as? String ?? ""
        #expect(start.contains("T11:00"), "\(start)")
    }

    /// The queue, j to the first row, o to open it, r to reply, Ctrl+Enter to send; ? shows the keys.
    private func keyboard(_ desk: Browser, _ w: World) async throws {
        try await desk.go(w.desk.serve.url + "/board/queues?sort=id&dir=desc")
        try await desk.press("?")
        #expect(try await desk.execute("return document.getElementById('keys-help').open;") as? Bool == true)
        try await desk.press("\u{E00C}")  // Escape closes it.
        try await desk.press("j")
        let first = try await desk.focused
        #expect(first == "", "a row's link has no id; the row is marked")
        let row = try await desk.execute("var r = document.querySelector('.key-current'); return r ? r.id : '';") as? String ?? ""
        #expect(row.hasPrefix("ticket-"))
        try await desk.press("o")
        let opened = try await desk.url { $0.contains("/board/tickets/") }
        #expect(opened.hasSuffix("/board/tickets/" + row.dropFirst("ticket-".count)))
        try await desk.press("r")
        #expect(try await desk.focused == "reply-body")
        try await desk.press("On it, by keyboard.")
        try await desk.chord(Browser.control, Browser.enter)
        _ = try await desk.url { $0.hasSuffix("#conversation") }
        #expect(try await desk.text("#conversation").contains("On it, by keyboard."))
        try await WorkdayBrowserTests.shot(desk, "desk-flow-keyboard")
    }
}
