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

/// A write retried with its Idempotency-Key returns the first answer and does nothing twice.
@Suite struct IdempotencyTests {
    @Test func aRetriedCreateReturnsTheFirstTicketAndCreatesOne() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let body = #"{"title": "Printer on fire", "severity": 2}"#
                let first = try await client.post("/api/v1/tickets", body, key: "retry-1")
                t.clock.advance(minutes: 1)
                let second = try await client.post("/api/v1/tickets", body, key: "retry-1")
                #expect(first.status == .created && second.status == .created)
                #expect(second.body == first.body)
                #expect(second.headers[.location] == first.headers[.location])
                #expect(second.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
                #expect(first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
                #expect(try await client.get("/api/v1/tickets").items.count == 1)
                // created, and unassignable: nobody is on shift in this test.
                #expect(try await client.get("/api/v1/tickets/\(first.id)/events").items.count == 2)

                let other = try await client.post("/api/v1/tickets", #"{"title": "Something else"}"#, key: "retry-1")
                #expect(other.status == .unprocessableContent)
                #expect(other.errorCode == "idempotency_key_reused")

                // Keys belong to the token: the dispatcher's "retry-1" is a different request.
                let dispatcher = try await client.post("/api/v1/tickets", body, as: .dispatcher, key: "retry-1")
                #expect(dispatcher.status == .created && dispatcher.id != first.id)

                let comment = #"{"body": "on our way"}"#
                let c1 = try await client.post("/api/v1/tickets/\(first.id)/comments", comment, key: "c-1")
                let c2 = try await client.post("/api/v1/tickets/\(first.id)/comments", comment, key: "c-1")
                #expect(c1.body == c2.body)
                #expect(try await client.get("/api/v1/tickets/\(first.id)/events").items.count == 3)
            }
        }
    }

    /// The query string is part of the request: the same key and body to another `?host=` is refused.
    @Test func theSameKeyWithAnotherQueryIsADifferentRequest() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let report = HealthReportTests.report(HealthReportTests.good)
                let first = try await client.post("/api/v1/reports?host=\(t.hostId)", report, key: "sweep-1")
                #expect(first.status == .created)
                let other = try await client.post("/api/v1/reports?host=\(t.otherHostId)", report, key: "sweep-1")
                #expect(other.status == .unprocessableContent && other.errorCode == "idempotency_key_reused")
                let replay = try await client.post("/api/v1/reports?host=\(t.hostId)", report, key: "sweep-1")
                #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            }
        }
    }

    @Test func aRefusedWriteIsNotRememberedSoAFixedRetrySucceeds() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let refused = try await client.post("/api/v1/tickets", #"{"title": "x", "hostId": 12345}"#, key: "k")
                #expect(refused.status == .unprocessableContent)
                // Same key, same request, after the host exists elsewhere: evaluated afresh.
                let retried = try await client.post("/api/v1/tickets", #"{"title": "x", "hostId": 12345}"#, key: "k")
                #expect(retried.status == .unprocessableContent)
                #expect(retried.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
                let empty = try await client.send(
                    .post, "/api/v1/tickets", json: #"{"title": "x"}"#,
                    headers: [HTTPField.Name("Idempotency-Key")!: ""])
                #expect(empty.status == .badRequest)
            }
        }
    }

    @Test func concurrentRetriesWithOneKeyCreateOneTicket() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let replies = try await withThrowingTaskGroup(of: TestCoordinator.Client.Reply.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await client.post("/api/v1/tickets", #"{"title": "storm"}"#, key: "same") }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(Set(replies.map(\.body)).count == 1)
                #expect(replies.allSatisfy { $0.status == .created })
                #expect(try await client.get("/api/v1/tickets").items.count == 1)
            }
        }
    }
}
