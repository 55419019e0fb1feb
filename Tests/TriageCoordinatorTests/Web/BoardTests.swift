import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The board's login, sessions, CSRF protection, countdown colours and views by role, through
/// the router with a driven clock (the browser tests cover the same pages in Chromium).
@Suite struct BoardTests {

    /// The login form's double-submit cookie is signed by the coordinator: a cookie someone set
    /// with a matching field, or an old one, does not pass; behind HTTPS it is Secure; its body is
    /// read only after the cookie checked out, and a login body is small.
    @Test func theLoginFormsCookieIsSignedExpiresAndIsSecureBehindHTTPS() async throws {
        try await TestCoordinator.with { t in
            let accounts = t.accounts
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                visitor.cookies["triage_login"] = "chosen-by-an-attacker"
                let planted = try await visitor.post(
                    "/board/login", [("csrf", "chosen-by-an-attacker"), ("login", "dora"), ("password", accounts[.dispatcher]!.password)])
                #expect(planted.status == .forbidden && visitor.cookies["triage_session"] == nil)
                let form = try await visitor.get("/board/login")
                let real = try #require(visitor.cookies["triage_login"])
                let parts = real.split(separator: ".")
                visitor.cookies["triage_login"] = "\(parts[0]).\(Int(parts[1])! + 86_400).\(parts[2])"  // a longer life, same signature
                let stretched = try await visitor.post(
                    "/board/login",
                    [("csrf", visitor.cookies["triage_login"]!), ("login", "dora"), ("password", accounts[.dispatcher]!.password)])
                #expect(stretched.status == .forbidden)
                visitor.cookies["triage_login"] = real
                t.clock.advance(minutes: 61)
                let expired = try await visitor.post(
                    "/board/login", [("csrf", form.csrf ?? ""), ("login", "dora"), ("password", accounts[.dispatcher]!.password)])
                #expect(expired.status == .forbidden && visitor.cookies["triage_session"] == nil)

                let huge = String(repeating: "x", count: 20_000)
                var stranger = Visitor(client: client.client)
                // Without credentials a body is read up to http.unauthenticatedBodyBytes (8 KiB) only.
                #expect(try await stranger.post("/board/login", [("next", huge)]).status == .contentTooLarge)
                _ = try await stranger.get("/board/login")
                #expect(try await stranger.post("/board/login", [("csrf", stranger.csrf), ("next", huge)]).status == .contentTooLarge)
                // A credential merely present proves nothing: the small limit holds until it is verified.
                stranger.cookies["triage_session"] = "bogus"
                #expect(try await stranger.post("/board/login", [("csrf", stranger.csrf), ("next", huge)]).status == .contentTooLarge)
                let big = #"{"title": "big", "description": "\#(huge)"}"#
                let forged = try await client.send(.post, "/api/v1/tickets", as: nil, token: "trg_made_up", json: big)
                #expect(forged.status == .contentTooLarge, "\(forged.status)")
                let known = try await client.send(.post, "/api/v1/tickets", as: .dispatcher, json: big)
                #expect(known.status == .created, "a known token reads up to maxBodyBytes: \(known.status)")

                var behindProxy = Visitor(client: client.client)
                let https = try await behindProxy.get("/board/login", headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
                #expect(https.setCookies.first { $0.hasPrefix("triage_login=") }?.contains("Secure") == true)
                let ok = try await behindProxy.logIn(accounts[.dispatcher]!)
                #expect(ok.status == .seeOther && behindProxy.cookies["triage_session"] != nil)
            }
        }
    }

    @Test func signingInGivesAStrictHttpOnlySessionCookieAndTheSameAnswerForEveryFailure() async throws {
        try await TestCoordinator.with { t in
            let accounts = t.accounts
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                let anonymous = try await visitor.get("/board/tickets/1?days=3")
                #expect(anonymous.status == .seeOther)
                #expect(anonymous.location == "/board/login?next=%2Fboard%2Ftickets%2F1%3Fdays%3D3")

                let form = try await visitor.get("/board/login")
                #expect(form.status == .ok)
                let loginCookie = try #require(form.setCookies.first { $0.hasPrefix("triage_login=") })
                #expect(
                    loginCookie.contains("HttpOnly") && loginCookie.contains("SameSite=Strict") && loginCookie.contains("Path=/board/login")
                )
                #expect(form.csrf == visitor.cookies["triage_login"], "the form carries the cookie's value (double submit)")
                #expect(form.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(!form.html.contains("<script"))

                // An unknown login and a wrong password get the same answer; the login stays in the form.
                let unknown = try await visitor.logIn("nobody", "dora keeps a long secret")
                let wrong = try await visitor.logIn("Dora", "not dora's password")
                #expect(wrong.status == .unauthorized && wrong.html.contains("the login name or the password is wrong"))
                #expect(
                    unknown.status == wrong.status
                        && unknown.html.replacingOccurrences(of: "nobody", with: "Dora")
                            .replacingOccurrences(of: unknown.csrf ?? "", with: wrong.csrf ?? "") == wrong.html
                )
                #expect(visitor.cookies["triage_session"] == nil)

                // The login form's own CSRF check: a valid cookie with another form's valid token in the field.
                var other = Visitor(client: client.client)
                let otherToken = try #require(try await other.get("/board/login").csrf)
                _ = try await visitor.get("/board/login")
                #expect(visitor.cookies["triage_login"] != otherToken)
                let crossed = try await visitor.post(
                    "/board/login", [("csrf", otherToken), ("login", "dora"), ("password", accounts[.dispatcher]!.password)])
                #expect(crossed.status == .forbidden && visitor.cookies["triage_session"] == nil, "\(crossed.status)")

                // Another value, or no login cookie at all.
                _ = try await visitor.get("/board/login")
                let forged = try await visitor.post(
                    "/board/login", [("csrf", "forged"), ("login", "dora"), ("password", accounts[.dispatcher]!.password)])
                #expect(forged.status == .forbidden && visitor.cookies["triage_session"] == nil)
                visitor.cookies = [:]
                let cookieless = try await visitor.post(
                    "/board/login", [("csrf", form.csrf ?? ""), ("login", "dora"), ("password", accounts[.dispatcher]!.password)])
                #expect(cookieless.status == .forbidden && cookieless.html.contains("cookies"))

                // A next page elsewhere is not followed.
                let good = try await visitor.logIn(accounts[.dispatcher]!, next: "//evil.example/board")
                #expect(good.status == .seeOther && good.location == "/board")
                let session = try #require(good.setCookies.first { $0.hasPrefix("triage_session=") })
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/board", "Max-Age=43200"] { #expect(session.contains(attribute)) }
                #expect(!session.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
                #expect(visitor.cookies["triage_session"]?.hasPrefix("trs_") == true)

                let board = try await visitor.get("/board")
                #expect(board.status == .ok && board.html.contains("dora · dispatcher"))
                #expect(!board.html.contains("http-equiv=\"refresh\""), "the page reloads itself only when asked to")
                #expect(try await visitor.get("/board?updating=on").html.contains(#"<meta http-equiv="refresh" content="60">"#))
                #expect(board.headers[.cacheControl] == "no-store")

                // Behind an HTTPS proxy the cookie is Secure too.
                var proxied = Visitor(client: client.client)
                let secure = try await proxied.logIn(accounts[.dispatcher]!, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
                #expect(secure.setCookies.first { $0.hasPrefix("triage_session=") }?.contains("Secure") == true)
            }
        }
    }

    @Test func aSessionEndsWithLogoutWithItsUserAndWithTime() async throws {
        try await TestCoordinator.with { t in
            let accounts = t.accounts
            let clock = t.clock
            let coordinator = t.coordinator
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(accounts[.dispatcher]!)
                _ = try await visitor.get("/board")
                let cookie = visitor.cookies["triage_session"]

                #expect(try await visitor.post("/board/logout", []).status == .forbidden, "no CSRF token, no logout")
                #expect(try await visitor.get("/board").status == .ok)
                let out = try await visitor.post("/board/logout", [("csrf", visitor.csrf)])
                #expect(out.status == .seeOther && out.location == "/board/login" && visitor.cookies["triage_session"] == nil)
                visitor.cookies["triage_session"] = cookie
                #expect(try await visitor.get("/board").status == .seeOther, "the old cookie is dead on the server too")

                let temp = try await t.addAccount("temp", .dispatcher)
                try await visitor.logIn(temp)
                #expect(try await visitor.get("/board").status == .ok)
                let user = try await coordinator.accounts.user(login: "temp", by: .console)
                _ = try await coordinator.accounts.setActive(user.id, false, by: .console)
                #expect(try await visitor.get("/board").status == .seeOther, "disabling the user ends their sessions")
                #expect(try await visitor.logIn(temp).status == .unauthorized, "and they cannot sign in again")

                try await visitor.logIn(accounts[.dispatcher]!)
                clock.advance(minutes: 12 * 60 - 1)
                #expect(try await visitor.get("/board").status == .ok)
                clock.advance(minutes: 2)
                #expect(try await visitor.get("/board").status == .seeOther, "12 hours and it is over")
            }
        }
    }

    @Test func formsWithoutThisSessionsCSRFTokenChangeNothing() async throws {
        try await TestCoordinator.with(visits: VisitTests.policy) { t in
            let accounts = t.accounts
            try await t.test { client in
                let s = try await VisitTests.setup(t, client)
                let form = [("technicianId", "\(s.vera)"), ("start", "2026-11-23T08:00:00Z"), ("end", "2026-11-23T09:00:00Z")]
                var dora = Visitor(client: client.client)
                var other = Visitor(client: client.client)
                try await dora.logIn(accounts[.dispatcher]!)
                try await other.logIn(accounts[.admin]!)
                _ = try await dora.get("/board/tickets/\(s.ticket)")
                _ = try await other.get("/board")

                let none = try await dora.post("/board/tickets/\(s.ticket)/visits", form)
                #expect(none.status == .forbidden && none.html.contains("security token"))
                let foreign = try await dora.post("/board/tickets/\(s.ticket)/visits", form + [("csrf", other.csrf)])
                #expect(foreign.status == .forbidden)
                #expect(try await client.get("/api/v1/visits?ticketId=\(s.ticket)").items.isEmpty)

                let booked = try await dora.post("/board/tickets/\(s.ticket)/visits", form + [("csrf", dora.csrf)])
                #expect(booked.status == .seeOther)
                let visit = try #require(try await client.get("/api/v1/visits?ticketId=\(s.ticket)").items.first)
                #expect(booked.location == "/board/tickets/\(s.ticket)?visit=\(visit["id"] as? Int ?? 0)#visits")
                let page = try await dora.get(booked.location ?? "")
                #expect(page.html.contains("Visit \(visit["id"] as? Int ?? 0) is booked: Mon 23 Nov 08:00–09:00."))

                // The same slot again: the page says why, with the status of the API.
                let again = try await dora.post("/board/tickets/\(s.ticket)/visits", form + [("csrf", dora.csrf)])
                #expect(again.status == .conflict && again.html.contains("Not booked: Vera has visit"))

                // A technician's session may not book, even with its own token.
                var vera = Visitor(client: client.client)
                try await vera.logIn(s.veraAccount)
                _ = try await vera.get("/board")
                let refused = try await vera.post(
                    "/board/tickets/\(s.depotTicket)/visits",
                    [("technicianId", "\(s.uli)"), ("start", "2026-11-23T13:00:00Z"), ("end", "2026-11-23T14:00:00Z"), ("csrf", vera.csrf)])
                #expect(refused.status == .forbidden && refused.html.contains("only a dispatcher or admin"))
            }
        }
    }

    @Test func countdownsTurnAmberAtTheWarningAndRedAtTheBreach() async throws {
        try await TestCoordinator.with { t in
            let accounts = t.accounts
            let clock = t.clock
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "Mail down", "severity": 1}"#).id
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(accounts[.dispatcher]!)
                func countdown() async throws -> String {
                    let html = try await visitor.get("/board").html
                    let card = try #require(
                        html.firstMatch(
                            of: try Regex(#"id="ticket-\#(id)"[\s\S]*?<div class="(sla [^"]+)"[^>]*>([^<]+)<time[^>]*>([^<]+)</time>"#)))
                    return "\(card.output[1].substring ?? "") \(card.output[2].substring ?? "")\(card.output[3].substring ?? "")"
                }
                #expect(try await countdown() == "sla sla-ok respond in 15 min")
                clock.advance(minutes: 12)
                #expect(try await countdown() == "sla sla-warning respond in 3 min", "75 % of 15 minutes is 11¼")
                clock.advance(minutes: 4)
                #expect(try await countdown() == "sla sla-breach respond overdue 1 min")
                #expect(try await client.post("/api/v1/tickets/\(id)/acknowledge", "{}", as: .dispatcher).status == .ok)
                #expect(try await countdown() == "sla sla-ok resolve in 3 h 44 min", "answered: the resolution clock shows")
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"status": "waiting_customer"}"#).status == .ok)
                #expect(try await countdown() == "sla sla-paused resolve paused, waiting for the customer")
            }
        }
    }

    @Test func pagesEscapeWhatPeopleTypedAndNameWhatIsMissing() async throws {
        try await TestCoordinator.with { t in
            let accounts = t.accounts
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "<script>alert(1)</script> & more", "description": "<img src=x onerror=alert(2)>"}"#
                ).id
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(accounts[.dispatcher]!)
                for path in ["/board", "/board/tickets/\(id)"] {
                    let html = try await visitor.get(path).html
                    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
                    // The script elements are the board's own files; nothing people typed became markup.
                    #expect(
                        LiveUpdatesTests.scripts(html) == [
                            #" src="/board/static/live.js" defer"#, #" src="/board/static/keys.js" defer"#,
                            #" src="/board/static/compose.js" defer"#,
                        ])
                    #expect(!html.contains("<img"))
                }
                let missing = try await visitor.get("/board/tickets/9999")
                #expect(missing.status == .notFound && missing.html.contains("ticket 9999 does not exist"))
                #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
                #expect(try await visitor.get("/board?tier=7").status == .badRequest)
                #expect(try await visitor.get("/board/tickets/\(id)?from=tomorrow").status == .badRequest)
                #expect(try await visitor.get("/board?tier=").status == .ok, "the select's 'all' is an empty tier")
            }
        }
    }

    @Test func aTechniciansBoardShowsTheirOwnTicketsAndVisitsAndAnyTicketOpensByLink() async throws {
        try await TestCoordinator.with { t in
            let (tess, otto) = (t.technicianId, t.otherTechnicianId)
            let tessAccount = t.accounts[.technician]!
            let hostId = t.hostId
            try await t.test { client in
                let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
                for (id, name) in [(tess, "Tess"), (otto, "Otto")] {
                    #expect(
                        try await client.send(
                            .put, "/api/v1/technicians/\(id)", json: #"{"name": "\#(name)", "tier": 2, "shifts": [\#(always)]}"#
                        ).status == .ok)
                }
                let mine = try await client.post(
                    "/api/v1/tickets", #"{"title": "Tess's ticket", "hostId": \#(hostId), "assigneeId": \#(tess)}"#
                ).id
                let theirs = try await client.post(
                    "/api/v1/tickets", #"{"title": "Otto's ticket", "hostId": \#(hostId), "assigneeId": \#(otto)}"#
                ).id
                // Today is Wednesday 2026-11-18 (11:06 UTC); the board's zone is UTC.
                let a = try await VisitTests.book(client, mine, tess, "2026-11-18T13:00:00Z", "2026-11-18T14:00:00Z").id
                let b = try await VisitTests.book(client, theirs, otto, "2026-11-19T09:00:00Z", "2026-11-19T10:30:00Z").id

                var desk = Visitor(client: client.client)
                try await desk.logIn(t.accounts[.dispatcher]!)
                let all = try await desk.get("/board").html
                #expect(all.contains(#"id="timeline-visit-\#(a)""#) && all.contains(#"id="timeline-visit-\#(b)""#))
                #expect(all.contains(#"style="left:50.00%;width:8.33%""#), "13:00–14:00 on a 07:00–19:00 scale")
                #expect(all.contains(#"class="shift" style="left:0.00%;width:100.00%""#), "round-the-clock shifts cut to the scale")
                #expect(all.contains("Today · Wed 18 Nov") && all.contains("Tomorrow · Thu 19 Nov"))

                var visitor = Visitor(client: client.client)
                try await visitor.logIn(tessAccount)
                let html = try await visitor.get("/board").html
                #expect(html.contains("Tess&#39;s ticket") && !html.contains("Otto&#39;s ticket"))
                #expect(html.contains(#"id="timeline-visit-\#(a)""#) && !html.contains(#"id="timeline-visit-\#(b)""#))
                #expect(!html.contains("technician-\(otto)\"") && !html.contains(#"id="needs-visit""#))
                // Any ticket opens by link, as over the API: staff read colleagues' tickets and their
                // internal notes (handover, history); acting on them is for the assignee and the desk.
                _ = try await client.post(
                    "/api/v1/tickets/\(theirs)/comments", #"{"body": "BIOS password is in the safe", "visibility": "internal"}"#)
                let page = try await visitor.get("/board/tickets/\(theirs)").html
                #expect(page.contains("Otto&#39;s ticket") && page.contains("BIOS password is in the safe"))
                #expect(!page.contains(#"id="visit-\#(b)""#), "colleagues' visits are not shown")
                #expect(!page.contains(#"id="book""#))
            }
        }
    }

    @Test func aTicketNobodyCanTakeSaysWhyOnItsCard() async throws {
        try await TestCoordinator.with { t in
            let accounts = t.accounts
            try await t.test { client in
                let id = try await client.post("/api/v1/tickets", #"{"title": "SAP export fails", "requiredSkills": ["sap"]}"#).id
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(accounts[.dispatcher]!)
                let html = try await visitor.get("/board").html
                let card = try #require(
                    html.firstMatch(of: try Regex(#"id="ticket-\#(id)"[\s\S]*?</article>"#)).map { String($0.output[0].substring ?? "") })
                #expect(html.contains(#"<div class="column" id="queue-new">"#))
                #expect(card.contains("unassigned") && card.contains(#"<div class="why">no eligible technician among 2 active"#))
                #expect(card.contains("without skills sap"))
            }
        }
    }

    /// The setup form checks its field against its own cookie (a valid token from another form
    /// does not pass), makes the first admin once, and a code still valid after somebody made an
    /// account another way (`triage user create`) is refused as a conflict.
    @Test func theSetupFormsCSRFFieldMustMatchItsCookieAndALateCodeIsAConflict() async throws {
        try await TestCoordinator.with(inventory: false, people: false) { t in
            let code = try #require(try await t.coordinator.accounts.setupCode())
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                var other = Visitor(client: client.client)
                _ = try await visitor.get("/setup?code=\(code)")
                let otherToken = try #require(try await other.get("/setup?code=\(code)").csrf)
                let fields = [("code", code), ("login", "ada"), ("password", "ada sets triage up"), ("confirm", "ada sets triage up")]
                let crossed = try await visitor.post("/setup", fields + [("csrf", otherToken)])
                #expect(crossed.status == .forbidden, "\(crossed.status)")
                #expect(try await t.coordinator.store.read { try await $0.userCount() } == 0, "nothing was made")

                // Somebody makes an account on the command line; the link, still within its 24 hours, is refused as a conflict.
                _ = try await t.coordinator.accounts.create(
                    UserInput(login: "root", role: .admin), password: "root was made first", by: .console)
                let late = try await visitor.post("/setup", fields + [("csrf", visitor.csrf)])
                #expect(late.status == .conflict && late.html.contains("set up already"), "\(late.status)")
                // The link itself now says so, instead of a form that can only fail.
                var latecomer = Visitor(client: client.client)
                let used = try await latecomer.get("/setup?code=\(code)")
                #expect(used.status == .conflict && used.html.contains("sign in instead") && !used.html.contains(#"name="password""#))
                #expect(try await t.coordinator.accounts.users(by: .console).map(\.login) == ["root"])
            }
        }
    }
}
