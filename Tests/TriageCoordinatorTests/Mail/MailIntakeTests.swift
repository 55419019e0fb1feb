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

/// Mail in through POST /api/v1/mail (what `triage mailgate` posts), on a real store: threading
/// first match wins, forged tags never append, automatic mail is a note, a message is filed once.
@Suite struct MailIntakeTests {
    @Test func aContactsMailOpensATicketWithItsRequesterAndAnAcknowledgement() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            let yuki = try await t.withMailgate()
            try await t.test { client in
                let raw = MailFixture.message(
                    from: "Yuki Tanaka <YUKI@acme.example>", to: "\(MailFixture.desk), boss@acme.example",
                    subject: "=?UTF-8?Q?Drucker_brennt_=E2=80=93_bitte_helfen?=")
                let filed = try await client.mail(raw, sender: "yuki@acme.example")
                #expect(filed.status == .ok, "\(filed.body)")
                #expect(filed.json["outcome"] as? String == "opened")
                let id = try #require(filed.json["ticketId"] as? Int)
                let ticket = try await client.get("/api/v1/tickets/\(id)").json
                #expect(ticket["title"] as? String == "Drucker brennt – bitte helfen")
                #expect(ticket["requesterId"] as? Int == yuki && ticket["customerId"] as? Int == t.customerId)
                #expect(ticket["channel"] as? String == "email" && ticket["cc"] as? [String] == ["boss@acme.example"])
                let events = try await client.get("/api/v1/tickets/\(id)/events").items
                let mail = try #require(events.first { $0["type"] as? String == "mail_received" }?["data"] as? [String: Any])
                #expect(mail["from"] as? String == "YUKI@acme.example" && (mail["body"] as? String)?.contains("on fire") == true)

                // The acknowledgement: to the sender, automatic, with the ticket's number.
                let outbox = try await t.outbox(id)
                #expect(outbox.count == 1 && outbox[0].kind == .acknowledgement && outbox[0].recipients == ["YUKI@acme.example"])
                let ack = try MailParser.parse(outbox[0].content)
                #expect(ack.header("Auto-Submitted") == "auto-replied" && ack.subject.contains("[Triage #\(id)]"))
                let customerMessage = try #require(try MailParser.parse(Array(raw.utf8)).messageId)
                #expect(ack.inReplyTo == [customerMessage], "the acknowledgement answers the customer's message")

                // The same message delivered again: the same answer, nothing new.
                let again = try await client.mail(raw, sender: "yuki@acme.example")
                #expect(again.json["id"] as? Int == filed.json["id"] as? Int && again.json["ticketId"] as? Int == id)
                #expect(try await client.get("/api/v1/tickets").items.count == 1)
                #expect(try await t.outbox(id).count == 1)
            }
        }
    }

    @Test func repliesThreadByOurMessageIdOrReplyAddressAndWakeAWaitingTicket() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let id = try #require(
                    try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "VPN down")).json["ticketId"] as? Int)
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"assigneeId": \#(t.technicianId)}"#).status == .ok)
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "Which office are you in?"}"#).status == .created)
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"status": "waiting_customer"}"#).status == .ok)
                let reply = try #require(try await t.outbox(id).first { $0.kind == .reply })
                let sent = String(decoding: reply.content, as: UTF8.self)
                #expect(sent.contains("In-Reply-To: <") && sent.contains("Subject: Re: VPN down [Triage #\(id)]"))

                // A reply that names our message (its subject tag removed by the customer's mail program).
                let answer = MailFixture.message(
                    from: "yuki@acme.example", subject: "Re: VPN down", body: "Berlin.\n",
                    headers: ["In-Reply-To: <\(reply.messageId)>"])
                let threaded = try await client.mail(answer)
                #expect(threaded.json["outcome"] as? String == "appended" && threaded.json["ticketId"] as? Int == id)
                #expect((threaded.json["detail"] as? String)?.contains("our message") == true)
                #expect(try await client.get("/api/v1/tickets/\(id)").json["status"] as? String == "in_progress", "the customer answered")

                // Her out-of-office after her answer: our next reply answers her answer, not the automatic mail.
                let answerId = try #require(try MailParser.parse(Array(answer.utf8)).messageId)
                _ = try await client.mail(
                    MailFixture.message(
                        from: "yuki@acme.example", subject: "Auto: away", id: "away@acme.example",
                        headers: ["Auto-Submitted: auto-replied", "In-Reply-To: <\(reply.messageId)>"]))
                #expect(try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "Which floor?"}"#).status == .created)
                let next = try MailParser.parse(try #require(try await t.outbox(id).last { $0.kind == .reply }).content)
                #expect(next.inReplyTo == [answerId] && !next.references.contains("away@acme.example"))
                #expect(
                    next.references.firstIndex(of: reply.messageId) ?? 99 < next.references.firstIndex(of: answerId) ?? -1,
                    "in thread order")

                // A reply to the plus-address, with no headers that name us.
                let plus = try #require(sent.split(separator: "\r\n").first { $0.hasPrefix("Reply-To: ") }).dropFirst("Reply-To: ".count)
                let byAddress = try await client.mail(
                    MailFixture.message(from: "yuki@acme.example", to: String(plus), subject: "one more thing"))
                #expect(byAddress.json["ticketId"] as? Int == id && byAddress.json["outcome"] as? String == "appended")

                // A forged Message-ID with our shape but a wrong signature threads nowhere.
                let forgedId = reply.messageId.replacingOccurrences(of: ".\(id).", with: ".\(id + 1).")
                let forged = try await client.mail(
                    MailFixture.message(from: "yuki@acme.example", subject: "hi", headers: ["In-Reply-To: <\(forgedId)>"]))
                #expect(forged.json["outcome"] as? String == "opened" && forged.json["ticketId"] as? Int != id)
            }
        }
    }

    @Test func aSubjectTagAppendsOnlyForTheCustomersContacts() async throws {
        var policy = MailFixture.policy
        try await TestCoordinator.with(mail: policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let id = try #require(
                    try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "Backup failed")).json["ticketId"] as? Int
                )
                let contact = try await client.mail(
                    MailFixture.message(from: "yuki@acme.example", subject: "Re: [Triage #\(id)] Backup failed"))
                #expect(contact.json["outcome"] as? String == "appended" && contact.json["ticketId"] as? Int == id)

                // A stranger with the tag: held for the desk, the tag named, nothing appended.
                let before = try await client.get("/api/v1/tickets/\(id)/events").items.count
                let stranger = try await client.mail(
                    MailFixture.message(from: "mallory@evil.example", subject: "[Triage #\(id)] please wire money"))
                #expect(stranger.json["outcome"] as? String == "quarantined")
                #expect((stranger.json["detail"] as? String)?.contains("names ticket \(id)") == true)
                #expect(try await client.get("/api/v1/tickets/\(id)/events").items.count == before)
                let held = try await client.get("/api/v1/mail/quarantine", as: .dispatcher)
                #expect(held.status == .ok && held.body.contains("mallory@evil.example"))
                #expect(try await client.get("/api/v1/mail/quarantine", as: .technician).status == .forbidden)

                // Released by the desk: a ticket of the chosen customer, the sender now its contact.
                let heldId = try #require(
                    (try JSONSerialization.jsonObject(with: Data(held.body.utf8)) as? [[String: Any]])?.first?["id"] as? Int)
                let released = try await client.post(
                    "/api/v1/mail/quarantine/\(heldId)/release", #"{"customerId": \#(t.customerId)}"#, as: .dispatcher)
                #expect(released.status == .ok && released.json["outcome"] as? String == "released")
                let newTicket = try #require(released.json["ticketId"] as? Int)
                let requester = try await client.get("/api/v1/tickets/\(newTicket)").json["requesterId"] as? Int
                #expect(newTicket != id && requester != nil)
                #expect(try await client.post("/api/v1/mail/quarantine/\(heldId)/discard", "", as: .dispatcher).status == .conflict)
            }
        }
        // With unknown senders going to a customer: a new ticket that names the one the tag named.
        policy.unknownSenderCustomer = 1
        try await TestCoordinator.with(mail: policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let id = try #require(
                    try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "Backup failed")).json["ticketId"] as? Int
                )
                let stranger = try await client.mail(MailFixture.message(from: "Eve <eve@other.example>", subject: "[Triage #\(id)] hello"))
                let other = try #require(stranger.json["ticketId"] as? Int)
                #expect(stranger.json["outcome"] as? String == "opened" && other != id)
                let events = try await client.get("/api/v1/tickets/\(other)/events").items
                let mail = events.first { $0["type"] as? String == "mail_received" }?["data"] as? [String: Any]
                #expect(mail?["relatedTo"] as? Int == id)
            }
        }
    }

    @Test func automaticMailIsANoteAndABounceMarksTheAddressUndeliverable() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            let yuki = try await t.withMailgate()
            try await t.test { client in
                let id = try #require(
                    try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "Disk full")).json["ticketId"] as? Int)
                #expect(try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "Cleaning up now."}"#).status == .created)
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"status": "resolved"}"#).status == .ok)
                let reply = try #require(try await t.outbox(id).first { $0.kind == .reply })
                let queued = try await t.outbox(id).count

                // An out-of-office answering our reply: a note; the resolved ticket stays resolved, nobody is answered.
                let away = MailFixture.message(
                    from: "yuki@acme.example", subject: "Out of office: Re: Disk full", body: "I am away until Monday.\n",
                    headers: ["Auto-Submitted: auto-replied", "In-Reply-To: <\(reply.messageId)>"])
                let note = try await client.mail(away)
                #expect(note.json["outcome"] as? String == "appended" && (note.json["detail"] as? String)?.contains("automatic") == true)
                #expect(try await client.get("/api/v1/tickets/\(id)").json["status"] as? String == "resolved")
                #expect(try await t.outbox(id).count == queued)
                for header in ["Precedence: bulk", "List-Id: <ops.acme.example>", "X-Auto-Response-Suppress: All"] {
                    let list = try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "digest", headers: [header]))
                    #expect(list.json["outcome"] as? String == "ignored", "\(header) opens nothing")
                }
                #expect(
                    try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "x"), sender: "").json["outcome"]
                        as? String == "ignored",
                    "an empty Return-Path opens nothing")

                // A report that returns no message of ours (anyone can write one) marks nothing.
                let forged = try await client.mail(
                    MailFixture.bounce(recipient: "yuki@acme.example", returned: "Message-ID: <x@else.example>"), sender: "")
                #expect(forged.json["outcome"] as? String == "ignored")
                #expect(try await client.get("/api/v1/contacts/\(yuki)").json["undeliverable"] == nil)

                // A bounce of our reply: a note on the ticket, and the address marked on its contact.
                let bounce = MailFixture.bounce(
                    recipient: "yuki@acme.example", returned: "Message-ID: <\(reply.messageId)>\r\nSubject: Re: Disk full")
                let bounced = try await client.mail(bounce, sender: "")
                #expect(bounced.json["outcome"] as? String == "appended" && bounced.json["ticketId"] as? Int == id)
                let contact = try await client.get("/api/v1/contacts/\(yuki)").json
                #expect((contact["undeliverable"] as? String)?.hasPrefix("5.1.1") == true)
                #expect(try await client.get("/api/v1/tickets/\(id)").json["status"] as? String == "resolved")
            }
        }
    }

    @Test func mailToAClosedTicketReopensItOrOpensALinkedOne() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let id = try #require(
                    try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "Wi-Fi slow")).json["ticketId"] as? Int)
                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"status": "resolved"}"#).status == .ok)
                let again = try await client.mail(
                    MailFixture.message(from: "yuki@acme.example", subject: "Re: [Triage #\(id)] Wi-Fi slow", body: "Still slow.\n"))
                #expect(again.json["outcome"] as? String == "appended")
                #expect(try await client.get("/api/v1/tickets/\(id)").json["status"] as? String == "new", "reopened")

                #expect(try await client.patch("/api/v1/tickets/\(id)", #"{"status": "resolved"}"#).status == .ok)
                t.clock.advance(minutes: 15 * 24 * 60)
                let late = try await client.mail(MailFixture.message(from: "yuki@acme.example", subject: "Re: [Triage #\(id)] Wi-Fi slow"))
                let linked = try #require(late.json["ticketId"] as? Int)
                #expect(late.json["outcome"] as? String == "opened" && linked != id)
                #expect(try await client.get("/api/v1/tickets/\(id)").json["status"] as? String == "resolved")
            }
        }
    }

    @Test func notAMailIsRefusedButKeptAndOnlyTheMailgateMayPost() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let garbage = try await client.mail("this is not\r\na mail at all\r\n")
                #expect(garbage.status == .unprocessableContent && garbage.errorMessage.contains("not a mail"))
                let kept = try await t.store.read { try await $0.inboundMails(outcome: .rejected, before: nil, limit: 5) }
                #expect(kept.count == 1)
                #expect(
                    try await t.store.read { try await $0.rawMail(sha256: kept[0].sha256) }
                        == Array("this is not\r\na mail at all\r\n".utf8))

                let raw = MailFixture.message(from: "yuki@acme.example", subject: "hello")
                for role in [Role.dispatcher, .technician, .agent, .collector] {
                    #expect(try await client.mail(raw, as: role).status == .forbidden, "\(role) may not post mail")
                }
                #expect(try await client.get("/api/v1/tickets").items.isEmpty, "nothing was filed")
                for (method, path) in [
                    (HTTPRequest.Method.get, "/api/v1/tickets"), (.get, "/api/v1/mail/quarantine"), (.get, "/api/v1/customers"),
                    (.post, "/api/v1/reports"),
                ] {
                    #expect(
                        try await client.send(method, path, as: .mailgate, json: method == .post ? "{}" : nil).status == .forbidden,
                        "a mailgate token reaches nothing but the mail route: \(path)")
                }
            }
        }
    }

    @Test func aNewCustomerMustComeWithTheirRequesterAndHost() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            let yuki = try await t.withMailgate()
            try await t.test { client in
                let other = try await client.post("/api/v1/customers", #"{"name": "Other"}"#).id
                let id = try await client.post("/api/v1/tickets", #"{"title": "x", "requesterId": \#(yuki), "hostId": \#(t.hostId)}"#).id
                let moved = try await client.patch("/api/v1/tickets/\(id)", #"{"customerId": \#(other)}"#)
                #expect(moved.status == .unprocessableContent && moved.errorMessage.contains("requesterId"), "\(moved.body)")
                let host = try await client.patch("/api/v1/tickets/\(id)", #"{"customerId": \#(other), "requesterId": null}"#)
                #expect(host.status == .unprocessableContent && host.errorMessage.contains("hostId"))
                let clean = try await client.patch(
                    "/api/v1/tickets/\(id)", #"{"customerId": \#(other), "requesterId": null, "hostId": null}"#)
                #expect(clean.status == .ok && clean.json["customerId"] as? Int == other && clean.json["requesterId"] == nil)
                // A caller typed in again by the same address is the contact already there.
                let again = try await client.post(
                    "/api/v1/tickets",
                    #"{"title": "y", "customerId": \#(t.customerId), "requester": {"name": "Yuki T.", "email": "YUKI@acme.example"}}"#)
                #expect(again.json["requesterId"] as? Int == yuki)
            }
        }
    }
}
