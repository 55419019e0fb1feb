import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Notifications end to end in one process, on a real SQLite file, with mail to the aiosmtpd sink:
/// who is told what, once; their lists and the bell; opening a ticket reads its notifications;
/// quiet hours and the digest against the test's clock; the choices the API refuses.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct NotificationsTests {
    typealias Visitor = BoardTests.Visitor

    static var policy: MailPolicy {
        var policy = MailFixture.policy
        policy.boardURL = "https://triage.example"
        return policy
    }

    /// Tina (a technician's account for Otto) and Dan (a dispatcher), both with mail; her personal token.
    struct People {
        let tina: User
        let dan: User
        let tinaToken: String
        let tinaAccount: TestCoordinator.Account
    }

    static func people(_ t: TestCoordinator) async throws -> People {
        let tinaAccount = TestCoordinator.Account(login: "tina", password: "tina keeps a long secret")
        let tina = try await t.coordinator.accounts.create(
            UserInput(
                login: "tina", displayName: "Tina Tech", email: "tina@ours.example", role: .technician, technicianId: t.otherTechnicianId),
            password: tinaAccount.password, by: .console)
        let dan = try await t.coordinator.accounts.create(
            UserInput(login: "dan", email: "dan@ours.example", role: .dispatcher), password: "dan keeps a long secret", by: .console)
        let token = try await t.coordinator.credentials.issuePersonalToken(name: "tina's script", by: tina.principal).secret
        return People(tina: tina, dan: dan, tinaToken: token, tinaAccount: tinaAccount)
    }

    static func user(_ t: TestCoordinator, _ login: String) async throws -> User {
        try #require(try await t.store.read { try await $0.user(login: login) })
    }

    static func list(_ t: TestCoordinator, _ user: User, unread: Bool = false) async throws -> [TriageDomain.Notification] {
        try await t.coordinator.notifications.list(unreadOnly: unread, before: nil, limit: 50, by: user.principal).items
    }

    static func notificationMail(_ t: TestCoordinator) async throws -> [OutboxMessage] {
        try await t.store.read { session in
            let db = (session as! SQLSession).db
            let ids = try await db.raw("SELECT id FROM outbox WHERE kind = 'notification' ORDER BY id").all(
                decodingColumn: "id", as: Int.self)
            var messages: [OutboxMessage] = []
            for id in ids { if let message = try await session.outbox(id: id) { messages.append(message) } }
            return messages
        }
    }

    @Test func eachPersonIsToldWhatConcernsThemOnceAndNotWhatTheyDid() async throws {
        let sink = try await SMTPSink()
        try await TestCoordinator.with(mail: Self.policy) { t in
            let p = try await Self.people(t)
            try await t.test { client in
                // Root (the admin token's name) opens an S1 for Otto, then takes it to the lead; Dora notes to Tina and root.
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "Mail server down", "severity": 1, "assigneeId": \#(t.otherTechnicianId)}"#
                ).id
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/escalate", #"{"to": "lead", "reason": "CEO cannot mail"}"#).status == .ok)
                let note = #"{"body": "@tina look at the queue first; @root FYI. Mail anna@acme.example", "visibility": "internal"}"#
                #expect(try await client.post("/api/v1/tickets/\(id)/comments", note, as: .dispatcher).status == .created)

                let tina = try await Self.list(t, p.tina)
                #expect(tina.map(\.kind) == [.mentioned, .assigned])
                #expect(tina.last?.text.hasPrefix("Assigned to you: chosen by admin:root on creation") == true)
                #expect(tina.first?.text == "Mentioned you in a note: @tina look at the queue first; @root FYI. Mail anna@acme.example")
                #expect(try await Self.list(t, p.dan).map(\.kind) == [.escalated])
                #expect(
                    try await Self.list(t, Self.user(t, "dora")).map(\.kind) == [.escalated], "Dora did not escalate; she wrote the note")
                #expect(try await Self.list(t, Self.user(t, "root")).map(\.kind) == [.mentioned], "root is not told of its own escalation")
                #expect(try await Self.list(t, Self.user(t, "tess")).isEmpty)

                // Mail at once to those with an address: Tina twice, Dan once; none for a ticket's conversation.
                let queued = try await Self.notificationMail(t)
                #expect(queued.map(\.recipients) == [["tina@ours.example"], ["dan@ours.example"], ["tina@ours.example"]])
                #expect(queued.allSatisfy { $0.ticketId == nil })
                let sent = try await t.coordinator.mail.deliverDue(through: MailOutTests.transport(sink), holder: "test")
                #expect(sent.count == 3 && sink.count == 3)
                let (content, envelope) = try sink.message(1)
                let first = try MailParser.parse(content)
                #expect(envelope.rcptTos == ["tina@ours.example"] && envelope.mailFrom == MailFixture.desk)
                #expect(first.subject == "[S1] Assigned to you: #\(id) Mail server down")
                #expect(first.text.contains("https://triage.example/board/tickets/\(id)"))
                #expect(first.header("Auto-Submitted") == "auto-generated")
                let history = try await client.get("/api/v1/tickets/\(id)/events?limit=200").items.compactMap { $0["type"] as? String }
                #expect(!history.contains("mail_delivery"), "the ticket's history hears nothing of it")

                // Tina's own token reads and marks hers; ids of someone else's change nothing.
                let listed = try await client.send(.get, "/api/v1/notifications?unread=true", token: p.tinaToken)
                #expect(listed.status == .ok && listed.items.map { $0["kind"] as? String } == ["mentioned", "assigned"])
                let assigned = try #require(tina.last?.id)
                let dans = try #require(try await Self.list(t, p.dan).first?.id)
                let marked = try await client.send(
                    .post, "/api/v1/notifications/read", token: p.tinaToken, json: #"{"ids": [\#(assigned), \#(dans)]}"#)
                #expect(marked.json["marked"] as? Int == 1 && marked.json["unread"] as? Int == 1)
                #expect(try await Self.list(t, p.dan, unread: true).count == 1)
                for bad in ["{}", #"{"ids": [1], "all": true}"#, #"{"ids": []}"#, #"{"every": true}"#] {
                    let refused = try await client.send(.post, "/api/v1/notifications/read", token: p.tinaToken, json: bad)
                    #expect(refused.status == .unprocessableContent, "\(bad)")
                }
                #expect(try await client.get("/api/v1/notifications", as: .dispatcher).errorMessage.contains("a person's account"))

                // On the board: the bell counts what is unread; opening the ticket reads it.
                var browser = Visitor(client: client.client)
                try await browser.logIn(p.tinaAccount)
                let board = try await browser.get("/board")
                #expect(board.html.contains(#"<span class="badge" id="bell-count">1</span>"#))
                #expect(try await browser.get("/board/notifications").html.contains("#\(id) Mail server down"))
                #expect(try await browser.get("/board/tickets/\(id)").status == .ok)
                #expect(try await browser.get("/board/notifications/unread").html == #"{"unread":0}"#)
                #expect(try await browser.get("/board").html.contains(#"id="bell-count" hidden"#))
            }
        }
        _ = sink.stop()
    }

    @Test func quietHoursHoldMailAndTheDigestGathersWhatIsStillUnread() async throws {
        let sink = try await SMTPSink()
        try await TestCoordinator.with(mail: Self.policy) { t in
            let p = try await Self.people(t)
            try await t.test { client in
                let choices =
                    #"{"quietFrom": "22:00", "quietTo": "07:00", "digestAt": "08:00", "timeZone": "UTC", "kinds": {"mentioned": {"inApp": true, "email": "digest"}}}"#
                let saved = try await client.send(.put, "/api/v1/notifications/settings", token: p.tinaToken, json: choices)
                #expect(saved.status == .ok && saved.json["quietTo"] as? String == "07:00", "\(saved.body)")
                // 23:00 UTC: an S1 for Otto is held; two mentions wait for the digest (the second ticket is Tess's: Dan hears nothing).
                let start = t.clock.now
                let midnight = Calendar(identifier: .gregorian).startOfDay(for: start)
                t.clock.advance(minutes: (midnight + 86_400 + 23 * 3600).timeIntervalSince(start) / 60)
                let first = try await client.post(
                    "/api/v1/tickets", #"{"title": "VPN down", "severity": 1, "assigneeId": \#(t.otherTechnicianId)}"#
                ).id
                let second = try await client.post(
                    "/api/v1/tickets", #"{"title": "Printer jam", "severity": 4, "assigneeId": \#(t.technicianId)}"#
                ).id
                for ticket in [first, second] {
                    #expect(
                        try await client.post("/api/v1/tickets/\(ticket)/comments", #"{"body": "@tina please", "visibility": "internal"}"#)
                            .status == .created)
                }
                #expect(try await Self.notificationMail(t).isEmpty, "nothing goes during quiet hours")
                #expect(try await t.coordinator.notifications.mailDue() == 0)
                // She reads the second mention in Triage before the digest.
                let mentions = try await Self.list(t, p.tina).filter { $0.kind == .mentioned && $0.ticketId == second }
                _ = try await t.coordinator.notifications.markRead(ids: mentions.map(\.id), by: p.tina.principal)

                t.clock.advance(minutes: 8 * 60 + 1)  // 07:01: the held S1 goes, alone, as itself
                #expect(try await t.coordinator.notifications.mailDue() == 1)
                t.clock.advance(minutes: 60)  // 08:01: the digest, with the unread mention only
                #expect(try await t.coordinator.notifications.mailDue() == 1)
                #expect(try await t.coordinator.notifications.mailDue() == 0, "nothing is mailed twice")
                _ = try await t.coordinator.mail.deliverDue(through: MailOutTests.transport(sink), holder: "test")
                #expect(sink.count == 2)
                let held = try MailParser.parse(try sink.message(1).content)
                #expect(held.subject == "[S1] Assigned to you: #\(first) VPN down")
                let digest = try MailParser.parse(try sink.message(2).content)
                #expect(digest.subject == "Triage digest: 1 notification unread")
                #expect(digest.text.contains("#\(first) VPN down") && !digest.text.contains("Printer jam"))
                let states = try await t.store.read { session in
                    try await (session as! SQLSession).db.raw(
                        "SELECT ticket_id, mail FROM notifications WHERE user_id = \(bind: p.tina.id) ORDER BY id"
                    )
                    .all().map { "\(try $0.decode(column: "ticket_id", as: Int.self)) \(try $0.decode(column: "mail", as: String.self))" }
                }
                #expect(states == ["\(first) queued", "\(first) queued", "\(second) skipped"])
            }
        }
        _ = sink.stop()
    }

    @Test func choicesAreKeptOrRefusedByField() async throws {
        try await TestCoordinator.with(mail: Self.policy) { t in
            let p = try await Self.people(t)
            try await t.test { client in
                let standard = try await client.send(.get, "/api/v1/notifications/settings", token: p.tinaToken)
                #expect(standard.json["digestAt"] as? String == "08:00" && standard.json["timeZone"] as? String == "UTC")
                for (body, field) in [
                    (#"{"quietFrom": "22:00", "digestAt": "8am"}"#, "digestAt"),
                    (#"{"kinds": {"unassignable": {"inApp": true, "email": "now"}}}"#, "kinds.unassignable"),
                    (#"{"kinds": {"bogus": {"inApp": true, "email": "now"}}}"#, "kinds.bogus"),
                    (#"{"timeZone": "Mars/Olympus"}"#, "timeZone"), (#"{"colour": "red"}"#, "colour"),
                ] {
                    let refused = try await client.send(.put, "/api/v1/notifications/settings", token: p.tinaToken, json: body)
                    #expect(refused.status == .unprocessableContent && refused.errorMessage.contains(field), "\(body): \(refused.body)")
                }
                #expect(
                    try await client.send(.get, "/api/v1/notifications/settings", token: p.tinaToken).body == standard.body, "nothing kept")
                // Mail alone for assignments: in no list, but mailed.
                let mailOnly = #"{"kinds": {"assigned": {"inApp": false, "email": "now"}}}"#
                #expect(try await client.send(.put, "/api/v1/notifications/settings", token: p.tinaToken, json: mailOnly).status == .ok)
                _ = try await client.post("/api/v1/tickets", #"{"title": "Disk full", "assigneeId": \#(t.otherTechnicianId)}"#)
                #expect(try await Self.list(t, p.tina).isEmpty)
                #expect(try await Self.notificationMail(t).map(\.recipients) == [["tina@ours.example"]])
            }
        }
    }
}

extension NotificationsTests {
    /// The SLA scheduler's warning and breach reach the assignee's account, times in her zone.
    @Test func theSLAClockTellsTheAssignee() async throws {
        try await TestCoordinator.with(mail: Self.policy) { t in
            let p = try await Self.people(t)
            try await t.test { client in
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "Switch down", "severity": 1, "assigneeId": \#(t.otherTechnicianId)}"#
                ).id
                t.clock.advance(minutes: 16)
                try await t.coordinator.dispatch.runSLAChecks(at: t.clock.now)
                let told = try await Self.list(t, p.tina).map(\.kind)
                #expect(told == [.slaBreach, .slaWarning, .assigned], "\(told)")
                let breach = try #require(try await Self.list(t, p.tina).first)
                #expect(
                    breach.text.hasPrefix("The response target was missed: it was due ") && breach.text.hasSuffix(" 11:21 GMT"),
                    "\(breach.text)")
                #expect(breach.ticketId == id && breach.severity == 1)
            }
        }
    }
}
