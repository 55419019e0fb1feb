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

/// Public replies out through the outbox to a real SMTP server (the aiosmtpd sink): threaded,
/// with their files, retried while the server refuses, sent once when two instances race for them.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct MailOutTests {
    static func transport(_ sink: SMTPSink) -> SMTPTransport {
        SMTPTransport(
            settings: SMTPSettings(host: "127.0.0.1", port: sink.port, security: .none, heloName: "triage.test", timeout: .seconds(30)))
    }

    /// A ticket opened by Yuki's mail, with a CC; its number and her message's id.
    static func ticketFromMail(_ client: TestCoordinator.Client) async throws -> (id: Int, messageId: String) {
        let messageId = "\(UUID().uuidString)@acme.example"
        let filed = try await client.mail(
            MailFixture.message(
                from: "Yuki Tanaka <yuki@acme.example>", to: "\(MailFixture.desk), it@acme.example",
                subject: "Printer offline", id: messageId))
        return (try #require(filed.json["ticketId"] as? Int), messageId)
    }

    @Test func aReplyWithAFileReachesTheRequesterAndCCsThreaded() async throws {
        let sink = try await SMTPSink()
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let (id, customerMessage) = try await Self.ticketFromMail(client)
                let pdf = Data((0..<3000).map { UInt8($0 % 251) })
                let reply =
                    #"{"body": "Hello Yuki,\n.please restart it.", "attachments": [{"name": "Anleitung für Drucker.pdf", "contentType": "application/pdf", "content": "\#(pdf.base64EncodedString())"}]}"#
                #expect(try await client.post("/api/v1/tickets/\(id)/comments", reply, as: .agent).status == .forbidden)
                let posted = try await client.post("/api/v1/tickets/\(id)/comments", reply, as: .dispatcher)
                #expect(posted.status == .created, "\(posted.body)")
                #expect(
                    try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "internal: she is VIP", "visibility": "internal"}"#)
                        .status == .created)
                let sent = try await t.coordinator.mail.deliverDue(through: Self.transport(sink), holder: "test")
                let outcome = try await t.outbox(id).map { "\($0.kind) \($0.state) \($0.lastError ?? "")" }
                #expect(sent.count == 2, "the acknowledgement and the reply; the note goes nowhere: \(outcome)")
                #expect(sink.count == 2)

                let (content, envelope) = try sink.message(2)
                let message = try MailParser.parse(content)
                #expect(envelope.mailFrom == MailFixture.desk && Set(envelope.rcptTos) == ["yuki@acme.example", "it@acme.example"])
                #expect(message.subject == "Re: Printer offline [Triage #\(id)]")
                #expect(message.inReplyTo == [customerMessage] && message.references.contains(customerMessage))
                #expect(message.to.map(\.address) == ["yuki@acme.example"] && message.cc.map(\.address) == ["it@acme.example"])
                #expect(message.text.contains(".please restart it.") && !message.text.contains("internal"))
                #expect(message.attachments.count == 1 && message.attachments[0].data == Array(pdf))
                #expect(message.attachments[0].filename == "Anleitung für Drucker.pdf")
                #expect(message.header("Auto-Submitted") == nil, "a person's reply is not automatic")
                let replyTo = try #require(message.replyTo.first?.address)
                #expect(replyTo.hasPrefix("support+t\(id)."))

                // Where it stands, on the API and in the history.
                let states = try await client.get("/api/v1/tickets/\(id)/outbox")
                #expect(states.body.contains(#""state":"sent""#) && !states.body.contains("queued"))
                let events = try await client.get("/api/v1/tickets/\(id)/events").items
                let mail = events.compactMap { ($0["data"] as? [String: Any])?["mail"] as? [String: Any] }
                #expect(mail.count == 1 && mail[0]["messageId"] as? String == message.messageId)

                // The file from the history: a download, only through a ticket that names it.
                let files: [[String: Any]] = events.flatMap { event -> [[String: Any]] in
                    ((event["data"] as? [String: Any])?["attachments"] as? [[String: Any]]) ?? []
                }
                let attachment = try #require(files.first)
                let sha = try #require(attachment["sha256"] as? String)
                let file = try await client.get("/api/v1/tickets/\(id)/files/\(sha)", as: .technician)
                #expect(file.status == .ok && file.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                #expect(file.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(try await client.get("/api/v1/tickets/\(id)/files/\(sha)", as: .agent).status == .forbidden)
                let other = try await client.post("/api/v1/tickets", #"{"title": "other"}"#).id
                #expect(try await client.get("/api/v1/tickets/\(other)/files/\(sha)").status == .notFound)
            }
        }
        _ = sink.stop()
    }

    @Test func aRefusingServerIsRetriedWithBackOffAndARefusedAddressFails() async throws {
        let sink = try await SMTPSink(["--refuse-first", "2"])
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let (id, _) = try await Self.ticketFromMail(client)
                let transport = Self.transport(sink)
                #expect(try await t.coordinator.mail.deliverDue(through: transport, holder: "a").isEmpty)
                var ack = try #require(try await t.outbox(id).first)
                #expect(ack.state == .retrying && ack.attempts == 1 && ack.lastError?.contains("451") == true)
                #expect(try await t.coordinator.mail.deliverDue(through: transport, holder: "a").isEmpty, "not due before its back-off")
                t.clock.advance(minutes: 1)
                #expect(try await t.coordinator.mail.deliverDue(through: transport, holder: "a").isEmpty)
                ack = try #require(try await t.outbox(id).first)
                #expect(ack.attempts == 2 && ack.nextAttemptAt.timeIntervalSince(t.clock.now) > 50, "the wait doubled")
                t.clock.advance(minutes: 2)
                #expect(try await t.coordinator.mail.deliverDue(through: transport, holder: "a") == [ack.id])
                let state = try await t.outbox(id).first?.state
                #expect(sink.count == 1 && state == .sent)
            }
        }
        _ = sink.stop()
        let refusing = try await SMTPSink(["--refuse-rcpt", "yuki@acme.example"])
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let (id, _) = try await Self.ticketFromMail(client)
                _ = try await t.coordinator.mail.deliverDue(through: Self.transport(refusing), holder: "a")
                let ack = try #require(try await t.outbox(id).first)
                #expect(ack.state == .failed && ack.lastError?.contains("550") == true, "\(ack.lastError ?? "")")
                let page = try await client.get("/api/v1/tickets/\(id)/outbox")
                #expect(page.body.contains(#""state":"failed""#))
            }
        }
        _ = refusing.stop()
        // A CC the server refuses while it takes the message for the requester: sent, and the refusal said.
        let partial = try await SMTPSink(["--refuse-rcpt", "it@acme.example"])
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let (id, _) = try await Self.ticketFromMail(client)
                #expect(try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "On it."}"#).status == .created)
                _ = try await t.coordinator.mail.deliverDue(through: Self.transport(partial), holder: "a")
                let reply = try #require(try await t.outbox(id).first { $0.kind == .reply })
                #expect(
                    reply.state == .sent && reply.lastError?.contains("it@acme.example") == true && reply.lastError?.contains("550") == true
                )
                let events = try await client.get("/api/v1/tickets/\(id)/events").items.filter { $0["type"] as? String == "mail_delivery" }
                let refused = events.compactMap { ($0["data"] as? [String: Any])?["refused"] as? [String] }.flatMap { $0 }
                #expect(refused.contains { $0.contains("it@acme.example") })
            }
        }
        _ = partial.stop()
    }

    @Test func twoInstancesRacingSendEachMessageOnce() async throws {
        let sink = try await SMTPSink()
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                var tickets: [Int] = []
                for _ in 0..<6 { tickets.append(try await Self.ticketFromMail(client).id) }
                let transport = Self.transport(sink)
                let mail = t.coordinator.mail
                async let first = mail.deliverDue(through: transport, holder: "instance-1")
                async let second = mail.deliverDue(through: transport, holder: "instance-2")
                let (one, two) = try await (first, second)
                #expect(Set(one).isDisjoint(with: two) && one.count + two.count == 6)
                #expect(sink.count == 6)
                let ids = try (1...6).map { try sink.message($0).envelope.messageId }
                #expect(Set(ids).count == 6, "no message twice")
            }
        }
        _ = sink.stop()
    }
}
