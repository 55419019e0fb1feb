import Foundation
import HTTPTypes

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Mail as MTAs deliver it, for the mail tests: a message's raw text, and the desk they reach.
enum MailFixture {
    static let desk = "support@triage.test"

    static var policy: MailPolicy {
        var policy = MailPolicy()
        policy.address = desk
        policy.name = "Acme IT"
        return policy
    }

    /// A plain message; `headers` come before the standard ones.
    static func message(
        from: String, to: String = desk, subject: String, body: String = "Hello,\nthe printer is on fire.\n",
        id: String = "\(UUID().uuidString)@mua.example", headers: [String] = []
    ) -> String {
        (headers + [
            "From: \(from)", "To: \(to)", "Subject: \(subject)", "Message-ID: <\(id)>", "Date: Mon, 07 Dec 2026 09:00:00 +0000",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "", body,
        ])
        .joined(separator: "\r\n")
    }

    /// An RFC 3464 report that `recipient` does not exist, quoting the headers of `returned`.
    static func bounce(recipient: String, returned: String) -> String {
        """
        From: MAILER-DAEMON@mx.example\r
        To: \(desk)\r
        Subject: Undelivered Mail Returned to Sender\r
        Message-ID: <\(UUID().uuidString)@mx.example>\r
        Auto-Submitted: auto-replied\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain\r
        \r
        Your message could not be delivered.\r
        --b1\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example\r
        \r
        Final-Recipient: rfc822; \(recipient)\r
        Action: failed\r
        Status: 5.1.1\r
        \r
        --b1\r
        Content-Type: text/rfc822-headers\r
        \r
        \(returned)\r
        --b1--\r

        """
    }
}

extension TestCoordinator.Client {
    /// Posts a raw message as `triage mailgate` does.
    func mail(_ raw: String, sender: String? = nil, as role: Role? = .mailgate) async throws -> Reply {
        let query = sender.map { "?sender=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
        return try await send(.post, "/api/v1/mail" + query, as: role, json: raw, headers: [.contentType: "message/rfc822"])
    }
}

extension TestCoordinator {
    /// Yuki, a contact of the test customer, who writes to the desk.
    func withMailgate() async throws -> Int {
        let admin = Principal(tokenId: 1, name: "root", role: .admin)
        return try await store.write { [coordinator, customerId] session in
            try await coordinator.inventory.create(
                ContactFields(
                    customerId: customerId, name: "Yuki Tanaka", email: "yuki@acme.example",
                    phone: "+81 3 1234 5678"), by: admin, in: session
            ).id
        }
    }

    /// What the outbox holds for a ticket, with its bytes.
    func outbox(_ ticket: Int) async throws -> [OutboxMessage] {
        try await store.read { session in
            var full: [OutboxMessage] = []
            for message in try await session.outbox(ticketId: ticket) {
                if let one = try await session.outbox(id: message.id) { full.append(one) }
            }
            return full
        }
    }
}
