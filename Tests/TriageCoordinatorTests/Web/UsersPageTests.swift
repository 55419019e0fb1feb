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

/// /board/users: an admin makes and manages accounts and tokens; a dispatcher or technician gets
/// 403 on the page and on every form, and nothing changes.
@Suite struct UsersPageTests {
    typealias Visitor = BoardTests.Visitor

    @Test func anAdminMakesAnAccountThatSignsInThenResetsAndDisablesIt() async throws {
        try await TestCoordinator.with { t in
            let root = t.accounts[.admin]!
            let technicianId = t.technicianId
            try await t.test { client in
                var admin = Visitor(client: client.client)
                try await admin.logIn(root)
                let page = try await admin.get("/board/users")
                #expect(page.status == .ok && page.html.contains(#"<tr id="user-"#) && page.html.contains("<td>tess</td>"))
                let form = [
                    ("login", "Otto"), ("displayName", "Otto O."), ("role", "technician"), ("technicianId", "\(technicianId)"),
                    ("password", "otto fixes printers"), ("csrf", admin.csrf),
                ]
                #expect(try await admin.post("/board/users", Array(form.dropLast())).status == .forbidden, "no CSRF token")
                let weak = try await admin.post("/board/users", form.map { $0.0 == "password" ? ("password", "password1") : $0 })
                #expect(weak.status == .unprocessableContent && weak.html.contains("password: must be at least 10 characters"))
                let made = try await admin.post("/board/users", form)
                #expect(made.status == .ok && made.html.contains("otto can sign in now."))
                var otto = Visitor(client: client.client)
                #expect(try await otto.logIn("otto", "otto fixes printers").status == .seeOther)
                #expect(try await otto.get("/board").html.contains("Otto O. · technician"))

                let user = try await t.coordinator.accounts.user(login: "otto", by: .console)
                let reset = try await admin.post(
                    "/board/users/\(user.id)/password", [("password", "otto has a new one"), ("csrf", admin.csrf)])
                #expect(reset.status == .ok && reset.html.contains("their sessions have ended"))
                #expect(try await otto.get("/board").status == .seeOther, "a new password ends their sessions")
                #expect(try await otto.logIn("otto", "otto has a new one").status == .seeOther)
                let disabled = try await admin.post("/board/users/\(user.id)/active", [("active", "false"), ("csrf", admin.csrf)])
                #expect(disabled.status == .ok && disabled.html.contains("otto is disabled."))
                #expect(try await otto.get("/board").status == .seeOther, "a disabled user's session dies")

                let rootUser = try await t.coordinator.accounts.user(login: "root", by: .console)
                let last = try await admin.post("/board/users/\(rootUser.id)/active", [("active", "false"), ("csrf", admin.csrf)])
                #expect(last.status == .conflict && last.html.contains("last active admin"))

                let agent = try await admin.post(
                    "/board/users/agent-tokens", [("name", "db1 agent"), ("host", "db1"), ("csrf", admin.csrf)])
                let secret = try #require(agent.html.firstMatch(of: /id="new-token">(trg_[^<]+)</).map { String($0.1) })
                let info = try #require(try await t.coordinator.credentials.tokens().first { $0.name == "db1 agent" })
                #expect(info.role == .agent && info.hostId == t.otherHostId)
                #expect(
                    try await client.send(.get, "/api/v1/tickets", as: nil, token: secret).status == .forbidden,
                    "an agent token reads nothing")
                let revoked = try await admin.post("/board/users/tokens/\(info.id)/revoke", [("csrf", admin.csrf)])
                #expect(revoked.status == .ok && revoked.html.contains("Token \(info.id) revoked."))
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: secret).status == .unauthorized)
            }
        }
    }

    @Test(arguments: [Role.dispatcher, .technician])
    func everyoneButAnAdminGets403AndChangesNothing(role: Role) async throws {
        try await TestCoordinator.with { t in
            let account = t.accounts[role]!
            let tess = try await t.coordinator.accounts.user(login: "tess", by: .console)
            let before = try await t.coordinator.accounts.users(by: .console)
            let tokensBefore = try await t.coordinator.credentials.tokens()
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(account)
                _ = try await visitor.get("/board")
                #expect(try await visitor.get("/board/users").status == .forbidden)
                let posts: [(String, [(String, String)])] = [
                    ("/board/users", [("login", "eve"), ("role", "admin"), ("password", "eve wants the keys")]),
                    ("/board/users/\(tess.id)/active", [("active", "false")]),
                    ("/board/users/\(tess.id)/password", [("password", "eve knows it now")]),
                    ("/board/users/\(tess.id)/second-factor/remove", []),
                    ("/board/users/agent-tokens", [("name", "eve's agent"), ("host", "web1")]),
                    ("/board/users/tokens/\(tokensBefore[0].id)/revoke", []),
                ]
                for (path, form) in posts {
                    let answer = try await visitor.post(path, form + [("csrf", visitor.csrf)])
                    #expect(answer.status == .forbidden && answer.html.contains("only an admin"), "\(path)")
                }
                #expect(try await t.coordinator.accounts.users(by: .console) == before)
                #expect(try await t.coordinator.credentials.tokens() == tokensBefore)
                var tessAgain = Visitor(client: client.client)
                #expect(try await tessAgain.logIn(t.accounts[.technician]!).status == .seeOther, "her password is unchanged")
            }
        }
    }
}
