import Foundation
import TestSupport
import Testing

@testable import TriageCoordinator

/// Webhooks from two `triage serve` processes on one PostgreSQL (docs/webhooks.md): each event
/// is sent by one instance at a time, and the instance SIGKILLed while the receiver holds its
/// request leaves it to the other when the lease ends — which sends it with the same webhook-id.
@Suite(.serialized, .timeLimit(.minutes(3)), .enabled(if: TestDatabase.isPostgres, "PostgreSQL only"))
struct MultiInstanceWebhookTests {
    typealias Pair = MultiInstanceTests.Pair

    static func psql(_ pair: Pair, _ sql: String) throws -> String {
        try Shell.run("/usr/bin/psql", [pair.database.url!, "-Atc", sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func eachEventGoesOutOnceAndTheKilledInstancesIsTakenOver() async throws {
        let pair = try Pair(config: "webhooks: {timeoutSeconds: 5, leaseSeconds: 10, retrySeconds: [1]}")
        defer { pair.stop() }
        let made = try pair.a.request("POST", "/api/v1/webhooks", #"{"url": "http://127.0.0.1:1/x", "events": ["ticket.created"]}"#)
        let secret = try #require(made.json["secret"] as? String)
        let receiver = try await WebhookReceiver(secrets: [secret], ["--delay", "3"])
        defer { receiver.stop() }
        #expect(try pair.b.request("PATCH", "/api/v1/webhooks/1", #"{"url": "\#(receiver.url)"}"#, token: pair.token).status == 200)
        for number in 0..<6 {
            let server = number % 2 == 0 ? pair.a : pair.b
            #expect(try server.request("POST", "/api/v1/tickets", #"{"title": "t\#(number)"}"#, token: pair.token).status == 201)
        }
        // Kill whichever instance holds a delivery while the receiver keeps it waiting.
        var holder = ""
        #expect(
            try await waitFor(seconds: 20) {
                holder = try Self.psql(pair, "SELECT lease_holder FROM webhook_deliveries WHERE state = 'sending' LIMIT 1")
                return !holder.isEmpty
            })
        let pid = Int32(holder.split(separator: ":").dropFirst().first ?? "") ?? 0
        let (killed, survivor) = pid == pair.a.process.pid ? (pair.a, pair.b) : (pair.b, pair.a)
        #expect(pid == killed.process.pid, "the holder \(holder) is one of ours")
        kill(killed.process.pid, SIGKILL)
        #expect(
            try await waitFor(seconds: 60) {
                try Self.psql(pair, "SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'") == "6"
            }, "every event delivered by the survivor \(survivor.url)")
        let taken = receiver.requests.filter { $0.status == 200 && $0.verified }
        let ids = taken.compactMap(\.id)
        #expect(Set(ids).count == 6, "each event arrived: \(ids)")
        // Only what was in flight at the kill comes twice, with the same webhook-id for the receiver to drop.
        let repeated = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }
        #expect(repeated.values.allSatisfy { $0.count == 2 } && repeated.count <= 8, "\(repeated)")
        let takenOver = try Self.psql(pair, "SELECT count(*) FROM webhook_deliveries WHERE attempts = 2")
        #expect((Int(takenOver) ?? 0) >= 1, "the killed instance's delivery was taken over")
        #expect(repeated.count == Int(takenOver), "only what the killed instance had in flight came twice")
        print("webhooks across a SIGKILL: 6 events, \(ids.count) requests taken, \(repeated.count) sent twice (in flight at the kill)")
    }
}
