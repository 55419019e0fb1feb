import Foundation
import HummingbirdOTP
import TestSupport
import Testing

/// axe-core (the ecosystem's accessibility checker) in a real Chromium with JavaScript on, on
/// every page type the coordinator serves: setup, sign-in, the second-factor code, the board, a
/// ticket, the queues, a new ticket with its customer search and card, the account page, people
/// and tokens, the inventory (customers, sites, hosts, technicians, with their forms open), My
/// work, an error page. No serious or critical violation.
@Suite struct AccessibilityTests {
    static let axe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/axe-core/axe.min.js").path

    @Test func everyPageTypeHasNoSeriousOrCriticalViolation() async throws {
        guard let axe = try? String(contentsOfFile: Self.axe, encoding: .utf8), !axe.isEmpty else {
            throw TestSupportError("axe-core is not at \(Self.axe): run bash Deploy/setup.sh")
        }
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        let link = serve.setupLink
        let base = serve.url
        func post(_ path: String, _ json: String) throws -> Int {
            let (status, body) = try serve.request("POST", "/api/v1" + path, json)
            guard (200..<300).contains(status), let id = body["id"] as? Int else {
                throw TestSupportError("POST \(path): \(status) \(body)")
            }
            return id
        }
        let customer = try post("/customers", #"{"name": "Acme"}"#)
        _ = try post("/contacts", #"{"customerId": \#(customer), "name": "Carla", "phone": "+49 30 555 0142"}"#)
        let site = try post(
            "/sites", #"{"customerId": \#(customer), "name": "HQ", "openingHours": [{"weekday": 1, "opens": "08:00", "closes": "17:00"}]}"#)
        let host = try post(
            "/hosts", #"{"siteId": \#(site), "name": "web1", "vendorServices": [{"service": "backup", "vendor": "Acme Backup"}]}"#)
        let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        let technician = try post("/technicians", #"{"name": "Tim", "skills": ["linux"], "shifts": [\#(always)]}"#)
        let ticket = try post(
            "/tickets", #"{"title": "Mail server <b>down</b>", "severity": 1, "customerId": \#(customer), "hostId": \#(host)}"#)
        let report = """
            {"id": "\(UUID().uuidString)", "host": "web1", "startedAt": "\(Date().formatted(.iso8601))", "durationMs": 5, "agentVersion": "test",
             "status": "warning", "checks": [{"plugin": "disk", "item": "/var", "status": "warning", "summary": "81% full", "metrics": [], "durationMs": 1}],
             "recommendation": {"onsite": false, "vendors": [], "reasons": []}, "errors": []}
            """
        guard try serve.request("POST", "/api/v1/reports?host=\(host)", report).status == 201 else {
            throw TestSupportError("the report was refused")
        }

        // A conversation on the ticket, and a message from a stranger held for the desk.
        _ = try serve.request("POST", "/api/v1/tickets/\(ticket)/comments", #"{"body": "We are looking into it."}"#)
        _ = try serve.request("POST", "/api/v1/tickets/\(ticket)/comments", #"{"body": "Their RAID is old.", "visibility": "internal"}"#)
        _ = try serve.request("POST", "/api/v1/tickets/\(ticket)/time", #"{"minutes": 25, "note": "Checked the RAID"}"#)
        // The site opens on Mondays: the visit is next Monday's.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var monday = Date() + 86_400
        while calendar.component(.weekday, from: monday) != 2 { monday += 86_400 }
        let day = String(monday.formatted(.iso8601).prefix(10))
        let visit = try post(
            "/visits",
            #"{"ticketId": \#(ticket), "technicianId": \#(technician), "start": "\#(day)T09:00:00Z", "end": "\#(day)T10:00:00Z"}"#)
        let tokenFile = folder.path + "/mailgate-token"
        try serve.adminToken.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let held = try Shell.run(
            builtProduct("triage"), ["mailgate", "--url", serve.url, "--token-file", tokenFile],
            input: MailFixture.message(from: "Stranger <stranger@else.example>", subject: "Who reads this?"))
        guard held.status == 0 else { throw TestSupportError("triage mailgate: \(held.stderr)") }
        // A webhook whose test event waits for a receiver that is not there; a host Alertmanager names that nobody knows.
        guard try serve.request("POST", "/api/v1/webhooks", #"{"url": "http://127.0.0.1:9/hooks", "description": "chat"}"#).status == 201,
            try serve.request("POST", "/api/v1/webhooks/1/test", "{}").status == 202,
            try serve.request(
                "POST", "/api/v1/alertmanager",
                #"{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "NodeDown", "instance": "10.9.9.9:9100"}}]}"#
            ).status == 200
        else { throw TestSupportError("the webhook or the alert was refused") }

        try FileManager.default.createDirectory(atPath: BoardBrowserTests.artifacts, withIntermediateDirectories: true)
        let browser = try await Browser(folder, javaScript: true)
        var problems: [String] = []
        func check(_ page: String) async throws {
            problems += try await browser.accessibilityProblems(axe: axe).map { "\(page): \($0)" }
        }
        do {
            try await browser.go(link)
            try await check("setup")
            for (field, value) in [("#login", "ada"), ("#password", "ada sets triage up"), ("#confirm", "ada sets triage up")] {
                try await browser.type(field, value)
            }
            try await browser.click("#set-up")
            _ = try await browser.url { $0 == base + "/board" }
            try await check("board")
            try await browser.go(base + "/board/tickets/\(ticket)")
            try await check("ticket")
            try await browser.screenshot(to: BoardBrowserTests.artifacts + "/ticket-work.png")
            try await browser.execute("document.querySelectorAll('details').forEach(d => { d.open = true; });")
            try await check("ticket, every disclosure open")
            try await browser.go(base + "/board/mail")
            try await check("held mail")
            try await browser.go(base + "/board/queues")
            try await check("queues")
            try await browser.go(base + "/board/tickets/new?q=acme")
            try await check("new ticket, search")
            try await browser.go(base + "/board/tickets/new?customer=\(customer)")
            try await check("new ticket, the customer's card")
            try await browser.screenshot(to: BoardBrowserTests.artifacts + "/new-ticket.png")
            try await browser.go(base + "/board/account")
            try await check("account")
            try await browser.click("#start-second-factor")
            let key = try await browser.text("#second-factor-key")
            try await check("account, adding a second factor")
            let app = TOTP(secret: String(decoding: Self.base32(key), as: UTF8.self))
            try await browser.type("#code", String(format: "%06d", app.compute()))
            try await browser.click("#confirm-second-factor")
            _ = try await browser.find("#recovery-codes")
            try await check("account, recovery codes")
            try await browser.go(base + "/board/users")
            try await check("people and tokens")
            // The inventory, with every edit form open.
            for (path, name) in [
                ("/board/inventory", "inventory"), ("/board/customers/\(customer)", "customer"), ("/board/sites/\(site)", "site"),
                ("/board/hosts/\(host)", "host"), ("/board/technicians/\(technician)", "technician"),
                ("/board/search?q=mail+server", "search"), ("/board/time", "time"), ("/board/replies", "reply texts"),
                ("/board/notifications", "notifications"), ("/board/webhooks", "webhooks"), ("/board/webhooks/1", "webhook"),
                ("/board/alerts", "alert hosts"),
                ("/board/visits/\(visit)", "visit"),
            ] {
                try await browser.go(base + path)
                try await browser.execute("document.querySelectorAll('details').forEach(d => { d.open = true; });")
                try await check(name)
                try await browser.screenshot(to: BoardBrowserTests.artifacts + "/\(name).png")
            }
            try await browser.go(base + "/board/tickets/999999")
            try await check("error")
            try await browser.go(base + "/board")
            try await browser.click("form.logout button")
            _ = try await browser.url { $0.hasPrefix(base + "/board/login") }
            try await check("sign-in")
            try await browser.type("#login", "ada")
            try await browser.type("#password", "not the password")
            try await browser.click("#sign-in")
            _ = try await browser.find("#error")
            try await check("sign-in refused")
            try await browser.type("#password", "ada sets triage up")
            try await browser.click("#sign-in")
            _ = try await browser.find("#code")
            try await check("second-factor code")
            // A technician's My work, with something new on their ticket.
            try serve.createUser("tim", role: "technician", password: "tim fixes the mail", technician: technician)
            _ = try serve.request("PATCH", "/api/v1/tickets/\(ticket)", #"{"assigneeId": \#(technician)}"#)
            _ = try serve.request(
                "POST", "/api/v1/tickets/\(ticket)/comments", #"{"body": "customer called again", "visibility": "internal"}"#)
            try await WorkdayBrowserTests.signIn(browser, base, "tim", "tim fixes the mail")
            try await browser.go(base + "/board/my")
            _ = try await browser.find("#live-mywork a")
            try await check("my work")
            try await browser.screenshot(to: BoardBrowserTests.artifacts + "/my-work-technician.png")
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// RFC 4648 base32, as authenticator apps read keys.
    static func base32(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var bytes: [UInt8] = []
        for character in text.uppercased() {
            guard let index = alphabet.firstIndex(of: character) else { continue }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }
}
