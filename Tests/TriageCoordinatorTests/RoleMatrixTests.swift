import Foundation
import HTTPTypes
import Testing
@testable import TriageCoordinator

/// Every route against every role (and no token at all): who may do what, DESIGN §5.5.
@Suite struct RoleMatrixTests {
    /// Tickets and records the cases act on; each role gets its own closed ticket to reopen.
    struct Fixture: Sendable {
        var mine = 0, theirs = 0, spareCustomer = 0
        var closed: [String: Int] = [:]
        var t: (customer: Int, site: Int, host: Int, technician: Int)
    }

    struct Case: Sendable {
        let method: HTTPRequest.Method
        let path: @Sendable (Fixture, String) -> String
        let body: String?
        /// Status for admin, dispatcher, technician, agent; no token is always 401.
        let expected: [HTTPResponse.Status]
    }

    static let roles: [Role] = [.admin, .dispatcher, .technician, .agent]
    static let readers: [HTTPResponse.Status] = [.ok, .ok, .ok, .forbidden]
    static func adminOnly(_ status: HTTPResponse.Status) -> [HTTPResponse.Status] {
        [status, .forbidden, .forbidden, .forbidden]
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        for path in ["customers", "sites", "hosts", "technicians"] {
            cases.append(Case(method: .get, path: { _, _ in "/api/v1/\(path)" }, body: nil, expected: readers))
            cases.append(Case(method: .get, path: { f, _ in "/api/v1/\(path)/\(Self.record(path, f))" }, body: nil, expected: readers))
        }
        cases += [
            Case(method: .post, path: { _, _ in "/api/v1/customers" }, body: #"{"name": "New"}"#, expected: adminOnly(.created)),
            Case(method: .put, path: { f, _ in "/api/v1/customers/\(f.t.customer)" }, body: #"{"name": "Acme AG"}"#,
                 expected: adminOnly(.ok)),
            Case(method: .delete, path: { f, _ in "/api/v1/customers/\(f.spareCustomer)" }, body: nil, expected: adminOnly(.noContent)),
            Case(method: .get, path: { _, _ in "/api/v1/tickets" }, body: nil, expected: readers),
            Case(method: .get, path: { f, _ in "/api/v1/tickets/\(f.theirs)" }, body: nil, expected: readers),
            Case(method: .get, path: { f, _ in "/api/v1/tickets/\(f.theirs)/events" }, body: nil, expected: readers),
            Case(method: .post, path: { _, _ in "/api/v1/tickets" }, body: #"{"title": "New ticket"}"#,
                 expected: [.created, .created, .forbidden, .forbidden]),
            Case(method: .patch, path: { f, _ in "/api/v1/tickets/\(f.mine)" }, body: #"{"description": "checked cables"}"#,
                 expected: [.ok, .ok, .ok, .forbidden]),
            Case(method: .patch, path: { f, _ in "/api/v1/tickets/\(f.theirs)" }, body: #"{"description": "not yours"}"#,
                 expected: [.ok, .ok, .forbidden, .forbidden]),
            Case(method: .post, path: { f, role in "/api/v1/tickets/\(f.closed[role]!)/reopen" }, body: #"{"reason": "again"}"#,
                 expected: [.ok, .ok, .ok, .forbidden]),
            Case(method: .post, path: { f, _ in "/api/v1/tickets/\(f.theirs)/comments" }, body: #"{"body": "hello"}"#,
                 expected: [.created, .created, .created, .forbidden]),
            Case(method: .post, path: { f, _ in "/api/v1/tickets/\(f.theirs)/assign" }, body: nil,
                 expected: [.ok, .ok, .forbidden, .forbidden]),
            Case(method: .post, path: { f, _ in "/api/v1/tickets/\(f.mine)/escalate" }, body: #"{"to": "lead", "reason": "stuck"}"#,
                 expected: [.ok, .ok, .ok, .forbidden]),
            Case(method: .post, path: { f, _ in "/api/v1/tickets/\(f.theirs)/escalate" }, body: #"{"to": "lead", "reason": "x"}"#,
                 expected: [.ok, .ok, .forbidden, .forbidden]),
            Case(method: .post, path: { f, _ in "/api/v1/tickets/\(f.mine)/vendor-case" }, body: #"{"vendor": "Dell"}"#,
                 expected: [.ok, .ok, .ok, .forbidden]),
            Case(method: .get, path: { _, _ in "/api/v1/notifications" }, body: nil, expected: [.ok, .ok, .forbidden, .forbidden]),
            // Last: it takes "mine" away from the technician.
            Case(method: .patch, path: { f, _ in "/api/v1/tickets/\(f.mine)" }, body: #"{"assigneeId": null}"#,
                 expected: [.ok, .ok, .forbidden, .forbidden]),
        ]
        return cases
    }()

    static func record(_ path: String, _ f: Fixture) -> Int {
        switch path {
        case "customers": f.t.customer
        case "sites": f.t.site
        case "hosts": f.t.host
        default: f.t.technician
        }
    }

    @Test func everyRouteAnswersEachRoleAsTheRulesSay() async throws {
        try await TestCoordinator.with { t in
            let tech = t.technicianId, other = t.otherTechnicianId
            let base = Fixture(t: (t.customerId, t.siteId, t.hostId, t.technicianId))
            try await t.test { client in
                var fixture = base
                fixture.mine = try await client.post("/api/v1/tickets", #"{"title": "mine", "assigneeId": \#(tech)}"#).id
                fixture.theirs = try await client.post("/api/v1/tickets", #"{"title": "theirs", "assigneeId": \#(other)}"#).id
                fixture.spareCustomer = try await client.post("/api/v1/customers", #"{"name": "Spare"}"#).id
                for role in Self.roles + [nil] {
                    let id = try await client.post("/api/v1/tickets", #"{"title": "done", "assigneeId": \#(tech)}"#).id
                    _ = try await client.patch("/api/v1/tickets/\(id)", #"{"status": "closed"}"#)
                    fixture.closed[role?.rawValue ?? "none"] = id
                }
                let siteBody = #"{"customerId": \#(base.t.customer), "name": "Annex"}"#
                let all = Self.cases + [Case(method: .post, path: { _, _ in "/api/v1/sites" }, body: siteBody,
                                             expected: Self.adminOnly(.created))]
                var checked = 0
                for check in all {
                    // Least privileged first, so a successful write cannot change what the others see.
                    for (role, expected) in zip(Self.roles, check.expected).reversed() {
                        let path = check.path(fixture, role.rawValue)
                        let reply = try await client.send(check.method, path, as: role, json: check.body)
                        #expect(reply.status == expected, "\(role) \(check.method) \(path): \(reply.body)")
                        if expected == .forbidden { #expect(reply.errorCode == "forbidden") }
                        checked += 1
                    }
                    let path = check.path(fixture, "none")
                    let anonymous = try await client.send(check.method, path, as: nil, json: check.body)
                    #expect(anonymous.status == .unauthorized, "no token \(check.method) \(path)")
                    #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
                }
                #expect(checked == all.count * 4)
            }
        }
    }

    @Test func operationsRoutesNeedNoTokenAndWrongTokensAreRefused() async throws {
        try await TestCoordinator.with { t in
            let admin = try #require(t.tokens[.admin])
            let adminTokenId = try await t.coordinator.tokens().first { $0.name == "root" }!.id
            try await t.test { client in
                for path in ["/healthz", "/metrics", "/api/v1/openapi.yaml"] {
                    #expect(try await client.get(path, as: nil).status == .ok, "\(path)")
                }
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: "trg_forged").status == .unauthorized)
                let basic = try await client.send(.get, "/api/v1/tickets", as: nil, headers: [.authorization: "Basic YTpi"])
                #expect(basic.status == .unauthorized)
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: admin).status == .ok)
                try await t.coordinator.revokeToken(adminTokenId)
                let revoked = try await client.send(.get, "/api/v1/tickets", as: nil, token: admin)
                #expect(revoked.status == .unauthorized)
                #expect(revoked.errorMessage.contains("revoked"))
            }
        }
    }
}
