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

/// A ticket's page around its conversation: the customer's mail, replies and notes as messages
/// with their files and delivery state; the reply box with files; editing the requester; a new
/// ticket for a caller who is not a contact yet.
@Suite(.serialized) struct ConversationPageTests {
    typealias Visitor = BoardTests.Visitor

    static let htmlOnly = """
        From: Yuki Tanaka <yuki@acme.example>\r
        To: support@triage.test\r
        Subject: Screen flickers\r
        Message-ID: <flicker@acme.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="m"\r
        \r
        --m\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>The screen <b>flickers</b> &amp; beeps.</p><img src="https://tracker.example/p.gif"></body></html>\r
        --m\r
        Content-Type: text/html; name="page.html"\r
        Content-Disposition: attachment; filename="page.html"\r
        \r
        <script>alert(2)</script>\r
        --m--\r

        """

    @Test func theConversationReadsAsMessagesAndTheReplyBoxSendsFiles() async throws {
        let sink = try await SMTPSink()
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let id = try #require(try await client.mail(Self.htmlOnly).json["ticketId"] as? Int)
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"assigneeId": \#(t.technicianId)}"#).status == .ok)
                var tess = Visitor(client: client.client)
                #expect(try await tess.logIn(t.accounts[.technician]!).status == .seeOther)
                var page = try await tess.get("/board/tickets/\(id)")
                #expect(page.status == .ok)
                let html = page.html
                #expect(html.contains("From the customer") && html.contains("Yuki Tanaka &lt;yuki@acme.example&gt;"))
                #expect(html.contains("The screen flickers &amp; beeps."), "the HTML mail as text")
                #expect(
                    !html.contains("<script>alert") && !html.contains("tracker.example/p.gif\""), "nothing of its HTML is served as HTML")
                #expect(html.contains("made from the mail&#39;s HTML") || html.contains("made from the mail's HTML"))
                #expect(html.contains("A reply is mailed to Yuki Tanaka &lt;yuki@acme.example&gt;"))
                #expect(html.contains(">requester<") && html.contains("Yuki Tanaka · yuki@acme.example"))
                let link = try #require(html.firstMatch(of: /href="(\/board\/tickets\/\d+\/files\/[0-9a-f]{64})" download>page\.html/)?.1)

                // The file the customer sent: a download, never HTML in the board's origin.
                let file = try await tess.get(String(link))
                #expect(file.status == .ok && file.html == "<script>alert(2)</script>")
                #expect(file.headers[.contentType] == "application/octet-stream")
                #expect(file.headers[.contentDisposition] == #"attachment; filename="page.html"; filename*=UTF-8''page.html"#)
                #expect(file.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")

                // A reply with a file through the reply box, as the browser sends the form; then a note.
                let sent = try await tess.postMultipart(
                    "/board/tickets/\(id)/comments", [("csrf", tess.csrf), ("body", "Try this driver."), ("visibility", "public")],
                    files: [(field: "files", name: "driver notes.txt", type: "text/plain", content: "1. unplug\n2. plug\n")])
                #expect(sent.status == .seeOther, "\(sent.html)")
                let note = try await tess.post(
                    "/board/tickets/\(id)/comments", [("csrf", tess.csrf), ("body", "Her model is EOL."), ("visibility", "internal")])
                #expect(note.status == .seeOther && note.location == "/board/tickets/\(id)?note=1#conversation")
                let afterNote = try await tess.get(try #require(note.location))
                #expect(afterNote.html.contains(#"value="internal" checked"#), "after a note the box stays on note")
                page = try await tess.get("/board/tickets/\(id)")
                #expect(page.html.contains("Reply to the customer") && page.html.contains("To yuki@acme.example"))
                #expect(page.html.contains("Internal note — colleagues only") && page.html.contains("message-note"))
                #expect(page.html.contains("driver notes.txt") && page.html.contains("Mail queued for sending"))
                let reply = try #require(try await t.outbox(id).first { $0.kind == .reply })
                let out = try MailParser.parse(reply.content)
                #expect(out.attachments.first?.data == Array("1. unplug\n2. plug\n".utf8) && out.text.contains("Try this driver."))
                #expect(try await t.outbox(id).count == 2, "the acknowledgement and the reply: the note went nowhere")

                _ = try await t.coordinator.mail.deliverDue(through: MailOutTests.transport(sink), holder: "t")
                page = try await tess.get("/board/tickets/\(id)")
                #expect(page.html.contains("Mail sent "))
                #expect(sink.count == 2)
            }
        }
        _ = sink.stop()
    }

    @Test func theDeskEditsTheRequesterAndOpensATicketForANewCaller() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            let yuki = try await t.withMailgate()
            try await t.test { client in
                var dora = Visitor(client: client.client)
                #expect(try await dora.logIn(t.accounts[.dispatcher]!).status == .seeOther)
                _ = try await dora.get("/board/tickets/new?customer=\(t.customerId)")
                let opened = try await dora.post(
                    "/board/tickets",
                    [
                        ("csrf", dora.csrf), ("customerId", "\(t.customerId)"), ("title", "Phone dead"), ("severity", "3"),
                        ("channel", "phone"),
                        ("requester", "new"), ("contactName", "Kenji Mori"), ("contactPhone", "+81 3 5555 0101"),
                        ("contactEmail", "kenji@acme.example"),
                        ("cc", "IT desk <it@acme.example>; boss@acme.example"), ("hostId", ""), ("tags", ""), ("description", ""),
                    ])
                #expect(opened.status == .seeOther, "\(opened.html)")
                let id = try #require(Int(opened.location?.split(separator: "/").last?.split(separator: "?").first ?? ""))
                let ticket = try await client.get("/api/v1/tickets/\(id)").json
                let kenji = try #require(ticket["requesterId"] as? Int)
                #expect(kenji != yuki && ticket["cc"] as? [String] == ["it@acme.example", "boss@acme.example"])
                #expect(try await client.get("/api/v1/contacts/\(kenji)").json["phone"] as? String == "+81 3 5555 0101")

                // The card lists what each contact asked.
                let card = try await dora.get("/board/tickets/new?customer=\(t.customerId)")
                #expect(card.html.contains("asked <a href=\"/board/tickets/\(id)\">#\(id) Phone dead</a>"))

                // A bad CC comes back next to its field; the requester changes on the ticket's page.
                let bad = try await dora.post(
                    "/board/tickets", [("csrf", dora.csrf), ("customerId", "\(t.customerId)"), ("title", "x"), ("cc", "not-an-address")])
                #expect(bad.status == .unprocessableContent && bad.html.contains("id=\"cc-error\""))
                _ = try await dora.get("/board/tickets/\(id)")
                let edited = try await dora.post(
                    "/board/tickets/\(id)/details",
                    [
                        ("csrf", dora.csrf), ("title", "Desk phone dead"), ("description", "since Monday\r\nafter the storm"),
                        ("customerId", "\(t.customerId)"),
                        ("requesterId", "\(yuki)"), ("cc", ""), ("hostId", ""), ("severity", "2"), ("tags", ""), ("requiredSkills", ""),
                    ])
                #expect(edited.status == .seeOther, "\(edited.html)")
                let after = try await client.get("/api/v1/tickets/\(id)").json
                #expect(
                    after["requesterId"] as? Int == yuki && after["title"] as? String == "Desk phone dead"
                        && (after["cc"] as? [String])?.isEmpty == true)
                #expect(
                    after["severity"] as? Int == 2 && after["description"] as? String == "since Monday\nafter the storm",
                    "a textarea's CRLF kept as LF")
                // A caller typed in without ticking "someone new" is still saved as the requester.
                let typed = try await dora.post(
                    "/board/tickets",
                    [
                        ("csrf", dora.csrf), ("customerId", "\(t.customerId)"), ("title", "Mouse broken"),
                        ("contactName", "Aiko Ito"), ("contactEmail", "aiko@acme.example"),
                    ])
                let aiko = try await client.get(
                    "/api/v1/tickets/\(Int(typed.location?.split(separator: "/").last?.split(separator: "?").first ?? "") ?? 0)"
                ).json
                #expect(aiko["requesterId"] as? Int != nil, "\(typed.html)")
            }
        }
    }

    @Test func theDeskWorksTheHeldMailInTheBrowser() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                for who in ["lena@new.example", "spam@junk.example"] {
                    #expect(
                        try await client.mail(MailFixture.message(from: who, subject: "hello from \(who)")).json["outcome"] as? String
                            == "quarantined")
                }
                var dora = Visitor(client: client.client)
                #expect(try await dora.logIn(t.accounts[.dispatcher]!).status == .seeOther)
                let page = try await dora.get("/board/mail")
                #expect(page.status == .ok && page.html.contains("hello from lena@new.example") && page.html.contains("spam@junk.example"))
                #expect(page.html.contains("is no customer&#39;s contact") || page.html.contains("is no customer's contact"))
                let lena = try #require(
                    page.html.firstMatch(
                        of: /id="held-(\d+)"[^>]*>\s*<p class="message-head"><span class="message-label">lena@new.example/)?.1)
                let spam = try #require(
                    page.html.firstMatch(
                        of: /id="held-(\d+)"[^>]*>\s*<p class="message-head"><span class="message-label">spam@junk.example/)?.1)
                let opened = try await dora.post("/board/mail/\(lena)/release", [("csrf", dora.csrf), ("customerId", "\(t.customerId)")])
                #expect(opened.status == .seeOther && opened.location?.hasPrefix("/board/tickets/") == true)
                let discarded = try await dora.post("/board/mail/\(spam)/discard", [("csrf", dora.csrf)])
                #expect(discarded.location == "/board/mail?done=discarded")
                let again = try await dora.post("/board/mail/\(spam)/discard", [("csrf", dora.csrf)])
                #expect(again.status == .conflict && again.html.contains("was discarded"))
                let after = try await dora.get("/board/mail")
                #expect(after.html.contains("No mail is held."))
                var tess = Visitor(client: client.client)
                #expect(try await tess.logIn(t.accounts[.technician]!).status == .seeOther)
                #expect(try await tess.get("/board/mail").status == .forbidden)
                let (techBoard, deskBoard) = (try await tess.get("/board").html, try await dora.get("/board").html)
                #expect(!techBoard.contains("held-mail-link") && deskBoard.contains("held-mail-link"))
            }
        }
    }
}
