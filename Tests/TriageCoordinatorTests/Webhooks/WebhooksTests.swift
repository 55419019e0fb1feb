import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageStorage

/// Webhooks in one process, on a real SQLite file, to the receiver that verifies with the
/// Standard Webhooks library from PyPI: what is queued for which endpoint, retries with back-off,
/// 4xx not retried, 410 disabling, the delivery log, redelivery with the same webhook-id, the
/// test event, and secret rotation accepted by a receiver that knows either secret.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WebhooksTests {
    static var policy: WebhookPolicy {
        var policy = WebhookPolicy()
        policy.retrySeconds = [30, 120]
        // A loaded CI machine (the PostgreSQL stage runs suites side by side) can take seconds to answer.
        policy.timeoutSeconds = 60
        policy.leaseSeconds = 120
        return policy
    }

    /// The receiver checks timestamps against its own clock: the test's clock starts at now.
    static func realTime(_ t: TestCoordinator) {
        t.clock.advance(minutes: Date().timeIntervalSince(t.clock.now) / 60)
    }

    static func deliver(_ t: TestCoordinator) async throws -> [Int] {
        try await t.coordinator.webhooks.deliverDue(through: HTTPWebhookTransport(), holder: "test")
    }

    @Test func deliveriesAreRetriedLoggedDisabledBy410AndSentAgainWithTheirId() async throws {
        try await TestCoordinator.with(webhooks: Self.policy) { t in
            Self.realTime(t)
            try await t.test { client in
                // The receiver learns the secret from the answer that made the endpoint.
                let made = try await client.post(
                    "/api/v1/webhooks", #"{"url": "http://127.0.0.1:1/x", "events": ["ticket.created", "ticket.assigned"]}"#)
                #expect(made.status == .created && made.headers[.location] == "/api/v1/webhooks/1")
                let secret = try #require(made.json["secret"] as? String)
                #expect(secret.hasPrefix("whsec_"))
                let receiver = try await WebhookReceiver(secrets: [secret], ["--fail-first", "2", "--gone-after", "3"])
                #expect(try await client.patch("/api/v1/webhooks/1", #"{"url": "\#(receiver.url)", "description": "chat"}"#).status == .ok)

                // An S1 with its assignee: created and assigned, two events; its comment is not wanted.
                let id = try await client.post(
                    "/api/v1/tickets", #"{"title": "Mail down", "severity": 1, "assigneeId": \#(t.technicianId)}"#
                ).id
                _ = try await client.post("/api/v1/tickets/\(id)/comments", #"{"body": "looking", "visibility": "internal"}"#)
                #expect(try await Self.deliver(t).isEmpty, "the receiver fails the first two")
                #expect(receiver.requests.map(\.status) == [500, 500] && receiver.requests.allSatisfy(\.verified))
                #expect(try await Self.deliver(t).isEmpty, "not again before the back-off")
                t.clock.advance(minutes: 0.6)
                // What was delivered is read from the receiver and the log below.
                _ = try await Self.deliver(t)
                let types = receiver.requests.filter { $0.status == 200 }.compactMap(\.type).sorted()
                #expect(types == ["ticket.assigned", "ticket.created"])

                // The log: newest first, two attempts each, the last 200 with its duration.
                let log = try await client.get("/api/v1/webhooks/1/deliveries").items
                #expect(log.map { $0["state"] as? String } == ["delivered", "delivered"])
                #expect(log.allSatisfy { $0["attempts"] as? Int == 2 && $0["lastStatus"] as? Int == 200 && $0["lastDurationMs"] is Int })
                let first = try #require(log.last?["id"] as? Int)
                let detail = try await client.get("/api/v1/webhooks/1/deliveries/\(first)")
                let attempts = detail.json["attempts"] as? [[String: Any]] ?? []
                #expect(attempts.map { $0["status"] as? Int } == [500, 200])

                // Sent again: the same webhook-id, so the receiver can tell it is a repeat.
                #expect(try await client.post("/api/v1/webhooks/1/deliveries/\(first)/redeliver", "{}").status == .accepted)
                _ = try await Self.deliver(t)
                let ids = receiver.requests.filter { $0.status == 200 }.compactMap(\.id)
                #expect(ids.count == 3 && Set(ids).count == 2)

                // The receiver is gone: 410 fails the delivery and disables the endpoint; nothing more is queued.
                #expect(try await client.post("/api/v1/webhooks/1/test", "{}").status == .accepted)
                #expect(try await Self.deliver(t).isEmpty)
                let endpoint = try await client.get("/api/v1/webhooks/1")
                #expect(endpoint.json["enabled"] as? Bool == false)
                #expect((endpoint.json["disabledReason"] as? String)?.hasPrefix("410 Gone from the receiver at ") == true)
                _ = try await client.post("/api/v1/tickets", #"{"title": "Printer", "assigneeId": \#(t.technicianId)}"#)
                #expect(try await client.get("/api/v1/webhooks/1/deliveries").items.count == 3, "a disabled endpoint gets nothing")
                #expect(try await client.post("/api/v1/webhooks/1/test", "{}").status == .conflict)
                #expect(try await client.post("/api/v1/webhooks/1/deliveries/\(first)/redeliver", "{}").status == .accepted)
                let waiting = try await client.get("/api/v1/webhooks/1/deliveries/\(first)").json["delivery"] as? [String: Any]
                #expect(waiting?["state"] as? String == "pending", "kept until the endpoint is on again")
                #expect(waiting?["attempts"] as? Int == 0 && waiting?["lastStatus"] == nil, "its back-off starts again")
                #expect(try await client.post("/api/v1/webhooks/1/deliveries/\(first)/redeliver", "{}").status == .conflict)
                receiver.stop()
            }
        }
    }

    @Test func aRefusalIsNotRetriedAndRotationIsAcceptedByEitherSecret() async throws {
        try await TestCoordinator.with(webhooks: Self.policy) { t in
            Self.realTime(t)
            try await t.test { client in
                let made = try await client.post("/api/v1/webhooks", #"{"url": "http://127.0.0.1:1/x"}"#)
                let old = try #require(made.json["secret"] as? String)
                // A receiver that knows another secret refuses (401): failed at once, not retried.
                let stranger = try await WebhookReceiver(secrets: [WebhookSigner.newSecret()])
                #expect(try await client.patch("/api/v1/webhooks/1", #"{"url": "\#(stranger.url)"}"#).status == .ok)
                _ = try await client.post("/api/v1/webhooks/1/test", "{}")
                _ = try await Self.deliver(t)
                t.clock.advance(minutes: 60)
                _ = try await Self.deliver(t)
                #expect(stranger.requests.map(\.status) == [401])
                let refused = try await client.get("/api/v1/webhooks/1/deliveries").items.first
                #expect(refused?["state"] as? String == "failed" && (refused?["lastError"] as? String)?.contains("not retried") == true)
                stranger.stop()
                Self.realTime(t)

                // Rotation: both sign; a receiver with the old and one with the new each verify.
                let rotated = try await client.post("/api/v1/webhooks/1/secrets", "{}")
                let new = try #require(rotated.json["secret"] as? String)
                #expect((rotated.json["endpoint"] as? [String: Any])?["secrets"] as? [[String: Any]] != nil)
                let oldOnly = try await WebhookReceiver(secrets: [old])
                let newOnly = try await WebhookReceiver(secrets: [new])
                for receiver in [oldOnly, newOnly] {
                    #expect(try await client.patch("/api/v1/webhooks/1", #"{"url": "\#(receiver.url)"}"#).status == .ok)
                    _ = try await client.post("/api/v1/webhooks/1/test", "{}")
                    _ = try await Self.deliver(t)
                    #expect(receiver.requests.map(\.status) == [200])
                }
                // Retired: only the new one signs, so the old receiver refuses.
                #expect(try await client.post("/api/v1/webhooks/1/secrets/retire", "{}").status == .ok)
                #expect(try await client.post("/api/v1/webhooks/1/secrets/retire", "{}").status == .conflict)
                #expect(try await client.patch("/api/v1/webhooks/1", #"{"url": "\#(oldOnly.url)"}"#).status == .ok)
                _ = try await client.post("/api/v1/webhooks/1/test", "{}")
                _ = try await Self.deliver(t)
                #expect(oldOnly.requests.map(\.status) == [200, 401])
                oldOnly.stop()
                newOnly.stop()
            }
        }
    }

    @Test func endpointsRefuseWhatCannotBeSentAndSignaturesAreStandard() async throws {
        try await TestCoordinator.with(webhooks: Self.policy) { t in
            try await t.test { client in
                for (body, field) in [
                    (#"{"url": "ftp://x.example/"}"#, "url"), (#"{"description": "no url"}"#, "url"),
                    (#"{"url": "https://x.example/", "events": ["ticket.exploded"]}"#, "events"),
                    (#"{"url": "https://x.example/", "colour": "red"}"#, "colour"),
                ] {
                    let refused = try await client.post("/api/v1/webhooks", body)
                    #expect(refused.status == .unprocessableContent && refused.errorMessage.contains(field), "\(body): \(refused.body)")
                }
                #expect(try await client.get("/api/v1/webhooks").items.isEmpty)
                #expect(try await client.get("/api/v1/webhooks/9").status == .notFound)
                // Everyone but the admin is refused, and a refusal makes nothing.
                for role in [Role.dispatcher, .technician, .agent, .collector, .mailgate] {
                    let refused = try await client.post("/api/v1/webhooks", #"{"url": "https://x.example/"}"#, as: role)
                    #expect(refused.status == .forbidden, "\(role)")
                }
                #expect(try await client.get("/api/v1/webhooks").items.isEmpty)
            }
        }
        // Two secrets, two signatures over id.timestamp.body; the receiver's library checks them in the other tests.
        let key = Array(repeating: UInt8(7), count: 32)
        let secret = "whsec_" + Data(key).base64EncodedString()
        let headers = WebhookSigner.headers(
            id: "msg_1", timestamp: 1_700_000_000, body: Array(#"{"a":1}"#.utf8), secrets: [secret, secret])
        #expect(headers.map(\.0) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        let signatures = headers[2].1.split(separator: " ")
        #expect(signatures.count == 2 && signatures.allSatisfy { $0.hasPrefix("v1,") } && signatures[0] == signatures[1])
        #expect(WebhookOutcome.of(status: 204, error: nil) == .delivered)
        #expect(WebhookOutcome.of(status: 429, error: nil) == .retry("429 from the receiver"))
        #expect(WebhookOutcome.of(status: 408, error: nil) == .retry("408 from the receiver"))
        #expect(WebhookOutcome.of(status: 503, error: nil) == .retry("503 from the receiver"))
        #expect(WebhookOutcome.of(status: 404, error: nil) == .fail("404 from the receiver: not retried"))
        #expect(WebhookOutcome.of(status: 410, error: nil) == .disable("410 Gone"))
        #expect(WebhookOutcome.of(status: nil, error: "cannot connect") == .retry("cannot connect"))
        #expect(Self.policy.retryDelay(afterAttempt: 1) == 30 && Self.policy.retryDelay(afterAttempt: 9) == 120)
    }
}
