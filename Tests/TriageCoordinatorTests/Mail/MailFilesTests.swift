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

/// What mail brings beside its text: files up to the cap (a stub and one notice above it),
/// automatic mail rate-limited per address and ticket, and senders placed by a verified domain.
@Suite struct MailFilesTests {
    static func withFile(from: String, subject: String, size: Int, headers: [String] = []) -> String {
        let content = Data((0..<size).map { UInt8($0 % 256) }).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        return
            (headers + [
                "From: \(from)", "To: \(MailFixture.desk)", "Subject: \(subject)", "Message-ID: <\(UUID().uuidString)@acme.example>",
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"f\"", "", "--f", "Content-Type: text/plain", "",
                "See the file.", "--f", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename=\"dump.bin\"",
                "Content-Transfer-Encoding: base64", "", content, "--f--", "",
            ]).joined(separator: "\r\n")
    }

    @Test func aFileOverTheCapIsAStubAndTheSenderIsToldOncePerHour() async throws {
        var policy = MailFixture.policy
        policy.maxAttachmentBytes = 4096
        try await TestCoordinator.with(mail: policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let small = try await client.mail(Self.withFile(from: "yuki@acme.example", subject: "small dump", size: 3000))
                let id = try #require(small.json["ticketId"] as? Int)
                var events = try await client.get("/api/v1/tickets/\(id)/events").items
                let kept = try #require(
                    ((events.last { $0["type"] as? String == "mail_received" }?["data"] as? [String: Any])?["attachments"]
                        as? [[String: Any]])?.first)
                #expect(kept["stored"] as? Bool == true && kept["size"] as? Int == 3000)
                let sha = try #require(kept["sha256"] as? String)
                let file = try await client.get("/api/v1/tickets/\(id)/files/\(sha)")
                #expect(file.status == .ok && file.headers[.contentLength] == "3000")

                // Over the cap: described, not kept, and the sender hears it once (the acknowledgement said it for the first).
                let big = try await client.mail(
                    Self.withFile(from: "yuki@acme.example", subject: "Re: [Triage #\(id)] big dump", size: 6000))
                #expect(big.json["outcome"] as? String == "appended")
                events = try await client.get("/api/v1/tickets/\(id)/events").items
                let stub = try #require(
                    ((events.last { $0["type"] as? String == "mail_received" }?["data"] as? [String: Any])?["attachments"]
                        as? [[String: Any]])?.first)
                #expect(stub["stored"] as? Bool == false && stub["size"] as? Int == 6000 && (stub["sha256"] as? String)?.count == 64)
                #expect(try await client.get("/api/v1/tickets/\(id)/files/\(stub["sha256"] as? String ?? "")").status == .notFound)
                // The acknowledgement went within the hour: the notice about the big file waits its turn (rate limit).
                #expect(try await t.outbox(id).filter { $0.kind == .acknowledgement }.count == 1)
                t.clock.advance(minutes: 61)
                _ = try await client.mail(Self.withFile(from: "yuki@acme.example", subject: "Re: [Triage #\(id)] bigger dump", size: 7000))
                let notices = try await t.outbox(id).filter { $0.kind == .acknowledgement }
                #expect(notices.count == 2)
                let notice = String(decoding: notices[1].content, as: UTF8.self)
                #expect(notice.contains("dump.bin") && notice.contains("Auto-Submitted: auto-replied"))
                _ = try await client.mail(Self.withFile(from: "yuki@acme.example", subject: "Re: [Triage #\(id)] again", size: 8000))
                #expect(
                    try await t.outbox(id).filter { $0.kind == .acknowledgement }.count == 2,
                    "one automatic mail per hour to one address about one ticket")
            }
        }
    }

    @Test func aSenderAtAVerifiedDomainBecomesAContactAndOthersWait() async throws {
        try await TestCoordinator.with(mail: MailFixture.policy) { t in
            _ = try await t.withMailgate()
            try await t.test { client in
                let customer = try await client.get("/api/v1/customers/\(t.customerId)").json
                #expect(
                    try await client.send(
                        .put, "/api/v1/customers/\(t.customerId)",
                        json: #"{"name": "\#(customer["name"] as? String ?? "")", "mailDomains": ["ACME.example"]}"#
                    ).status
                        == .unprocessableContent, "domains are kept in lower case")
                #expect(
                    try await client.send(
                        .put, "/api/v1/customers/\(t.customerId)", json: #"{"name": "Acme", "mailDomains": ["acme.example"]}"#
                    ).status == .ok)
                let filed = try await client.mail(
                    MailFixture.message(from: "Hana Sato <hana@acme.example>", subject: "New starter needs a laptop"))
                #expect(filed.json["outcome"] as? String == "opened", "\(filed.body)")
                #expect((filed.json["detail"] as? String)?.contains("verified mail domain is acme.example") == true)
                let ticket = try await client.get("/api/v1/tickets/\(filed.json["ticketId"] as? Int ?? 0)").json
                let contact = try await client.get("/api/v1/contacts/\(ticket["requesterId"] as? Int ?? 0)").json
                #expect(contact["name"] as? String == "Hana Sato" && contact["customerId"] as? Int == t.customerId)
                let other = try await client.mail(MailFixture.message(from: "hana@acme.example.evil.example", subject: "hi"))
                #expect(other.json["outcome"] as? String == "quarantined", "a domain that only starts like a verified one")
            }
        }
    }
}
