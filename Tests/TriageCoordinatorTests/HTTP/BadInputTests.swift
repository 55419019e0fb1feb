import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// What a client gets wrong gets a 4xx with a message naming the problem — never a 5xx.
@Suite struct BadInputTests {
    @Test func bodiesThatAreNotWhatTheRouteTakesAreRefusedWithTheRightStatus() async throws {
        try await TestCoordinator.with(maxBodyBytes: 4096) { t in
            try await t.test { client in
                let cases: [(String, HTTPResponse.Status, String, String)] = [
                    (#"{"title": "x""#, .badRequest, "malformed_json", "not valid JSON"),
                    ("", .badRequest, "malformed_json", "needs a JSON object"),
                    ("[1, 2]", .unprocessableContent, "invalid", "must be a JSON object"),
                    (#"{"title": 42}"#, .unprocessableContent, "invalid", "title: expected a string"),
                    (#"{"title": "x", "severity": "high"}"#, .unprocessableContent, "invalid", "severity: expected an integer"),
                    (#"{"title": "x", "severity": 2.5}"#, .unprocessableContent, "invalid", "severity"),
                    (#"{"title": "x", "severity": 0}"#, .unprocessableContent, "invalid", "severity: 0 is outside 1...4"),
                    (#"{"title": "x", "channel": "pigeon"}"#, .unprocessableContent, "invalid", "channel"),
                    (#"{"title": "x", "priority": 1}"#, .unprocessableContent, "invalid", "unknown field priority"),
                    (#"{"title": "x", "description": null}"#, .unprocessableContent, "invalid", "description: null"),
                    (#"{"severity": 1}"#, .unprocessableContent, "invalid", "title: required"),
                    (#"{"title": "   "}"#, .unprocessableContent, "invalid", "title: must not be empty"),
                    (#"{"title": "x", "tags": ["two words"]}"#, .unprocessableContent, "invalid", "tags"),
                    (#"{"title": "x", "hostId": 9999}"#, .unprocessableContent, "invalid", "hostId: host 9999 does not exist"),
                    (#"{"title": "x", "assigneeId": 9999}"#, .unprocessableContent, "invalid", "technician 9999 does not exist"),
                    (#"{"title": "\#(String(repeating: "a", count: 5000))"}"#, .contentTooLarge, "payload_too_large", "limit"),
                ]
                for (body, status, code, message) in cases {
                    let reply = try await client.post("/api/v1/tickets", body)
                    #expect(reply.status == status, "\(body.prefix(60)): \(reply.body)")
                    #expect(reply.errorCode == code, "\(body.prefix(60))")
                    #expect(reply.errorMessage.contains(message), "\(body.prefix(60)): \(reply.errorMessage)")
                }
                let form = try await client.send(
                    .post, "/api/v1/tickets", json: #"{"title": "x"}"#,
                    headers: [.contentType: "application/x-www-form-urlencoded"])
                #expect(form.status == .unsupportedMediaType)
                #expect(try await client.get("/api/v1/tickets").items.isEmpty)  // nothing was created by any of it
            }
        }
    }

    /// Only UTF-8 JSON declared as such is read; a key given twice and a NUL are refused, other
    /// control characters come back exactly as sent.
    @Test func onlyDeclaredUTF8JSONWithUniqueKeysAndNoNULIsRead() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let body = #"{"title": "x"}"#
                for contentType in [nil, "application/jsonx", "application/json; charset=latin1", "text/plain", "application/json-seq"] {
                    var headers: HTTPFields = [.authorization: "Bearer \(t.tokens[.admin]!)"]
                    if let contentType { headers[.contentType] = contentType }
                    let reply = try await client.client.executeRequest(
                        uri: "/api/v1/tickets", method: .post, headers: headers,
                        body: ByteBuffer(string: body))
                    #expect(reply.status == .unsupportedMediaType, "\(contentType ?? "none")")
                }
                let utf16 = try await client.client.executeRequest(
                    uri: "/api/v1/tickets", method: .post,
                    headers: [.authorization: "Bearer \(t.tokens[.admin]!)", .contentType: "application/json"],
                    body: ByteBuffer(bytes: Array(body.data(using: .utf16LittleEndian)!)))
                #expect(utf16.status == .badRequest)
                let refused: [(String, String)] = [
                    (#"{"title": "a", "title": "b"}"#, "the key title appears twice in one object"),
                    (#"{"title": "a", "t\u0069tle": "b"}"#, "the key title appears twice"),
                    (#"{"title": "a\u0000b"}"#, "a NUL character (\\u0000) cannot be stored"),
                    (#"{"title": "a", "tags": ["x\u0000"]}"#, "NUL character"),
                ]
                for (body, message) in refused {
                    let reply = try await client.post("/api/v1/tickets", body)
                    #expect(reply.status == .unprocessableContent && reply.errorMessage.contains(message), "\(body): \(reply.body)")
                }
                #expect(try await client.get("/api/v1/tickets").items.isEmpty)

                let declared = try await client.send(
                    .post, "/api/v1/tickets", json: body,
                    headers: [.contentType: "application/json; charset=UTF-8"])
                #expect(declared.status == .created)
                // A backslash before u0000 is text, and other control characters are stored as sent.
                let title = "a\\u0000b bell\u{7} esc\u{1b}[1m tab\tend"
                let sent = String(decoding: try JSONEncoder().encode(["title": title]), as: UTF8.self)
                let created = try await client.post("/api/v1/tickets", sent)
                #expect(created.status == .created, "\(created.body)")
                #expect(try await client.get("/api/v1/tickets/\(created.id)").json["title"] as? String == title)
                #expect(try await client.get("/api/v1/tickets?q=%00").status == .badRequest)
                #expect(try await client.get("/api/v1/tickets?q=bell").items.count == 1)
            }
        }
    }

    @Test func unknownIdsRoutesAndParametersAreNamed() async throws {
        try await TestCoordinator.with { t in
            try await t.test { client in
                let checks: [(HTTPRequest.Method, String, String?, HTTPResponse.Status, String)] = [
                    (.get, "/api/v1/tickets/424242", nil, .notFound, "ticket 424242 does not exist"),
                    (.patch, "/api/v1/tickets/424242", #"{"status": "closed"}"#, .notFound, "ticket 424242 does not exist"),
                    (.post, "/api/v1/tickets/424242/comments", #"{"body": "hi"}"#, .notFound, "ticket 424242"),
                    (.get, "/api/v1/tickets/424242/events", nil, .notFound, "ticket 424242"),
                    (.get, "/api/v1/hosts/77777", nil, .notFound, "host 77777 does not exist"),
                    (.delete, "/api/v1/technicians/77777", nil, .notFound, "technician 77777"),
                    (.get, "/api/v1/tickets/abc", nil, .badRequest, "id in the path must be a positive integer"),
                    (.get, "/api/v1/tickets?severity=9", nil, .badRequest, "severity must be an integer 1…4"),
                    (.get, "/api/v1/tickets?status=open", nil, .badRequest, "status 'open' is not one of"),
                    (.get, "/api/v1/tickets?onsite=yes", nil, .badRequest, "onsite must be true or false"),
                    (.get, "/api/v1/tickets?limit=0", nil, .badRequest, "limit must be an integer 1…200"),
                    (.get, "/api/v1/tickets?cursor=bm9wZQ", nil, .badRequest, "cursor"),
                    (.get, "/api/v1/nothing-here", nil, .notFound, "no such route: GET /api/v1/nothing-here"),
                    (.delete, "/api/v1/tickets", nil, .methodNotAllowed, "allows GET, POST"),
                ]
                for (method, path, body, status, message) in checks {
                    let reply = try await client.send(method, path, json: body)
                    #expect(reply.status == status, "\(method) \(path): \(reply.body)")
                    #expect(reply.errorMessage.contains(message), "\(method) \(path): \(reply.errorMessage)")
                }
                let notAllowed = try await client.send(.delete, "/api/v1/tickets")
                #expect(notAllowed.headers[.allow] == "GET, POST")
            }
        }
    }

    @Test func technicianTokensNeedATechnicianAndAgentTokensAHost() async throws {
        try await TestCoordinator.with { t in
            await #expect(throws: CoordinatorError.self) { try await t.coordinator.credentials.issueToken(name: "a", role: .agent) }
            await #expect(throws: CoordinatorError.self) { try await t.coordinator.credentials.issueToken(name: "t", role: .technician) }
            await #expect(throws: CoordinatorError.self) {
                try await t.coordinator.credentials.issueToken(name: "t", role: .technician, technicianId: 9999)
            }
            await #expect(throws: CoordinatorError.self) {
                try await t.coordinator.credentials.issueToken(name: "d", role: .dispatcher, hostId: t.hostId)
            }
            let found = try await t.coordinator.inventory.hostId(named: "db1")
            #expect(found == t.otherHostId)
            await #expect(throws: CoordinatorError.self) { try await t.coordinator.inventory.hostId(named: "nope") }
        }
    }
}
