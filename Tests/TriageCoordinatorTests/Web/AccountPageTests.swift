import Foundation
import HTTPTypes
import HummingbirdOTP
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// /board/account through the router: one's own password, second factor and personal tokens;
/// every form refuses a post without the session's CSRF token and changes nothing, and nobody
/// but an admin touches what is somebody else's.
@Suite struct AccountPageTests {
    typealias Visitor = BoardTests.Visitor

    @Test func aPasswordChangeNeedsTheCurrentOneAndEndsTheOtherSessions() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let dora = t.accounts[.dispatcher]!
            try await t.test { client in
                var here = Visitor(client: client.client)
                var there = Visitor(client: client.client)
                try await here.logIn(dora)
                try await there.logIn(dora)
                let page = try await here.get("/board/account")
                #expect(page.status == .ok && page.html.contains("signed in as <strong>dora</strong> (dispatcher)"))
                #expect(page.html.contains(#"name="keep_tokens" type="checkbox" value="on" checked"#), "tokens are kept by default")
                let change = [
                    ("current", dora.password), ("password", "dora's brand new secret"), ("confirm", "dora's brand new secret"),
                    ("keep_tokens", "on"),
                ]

                #expect(try await here.post("/board/account/password", change).status == .forbidden, "no CSRF token")
                #expect(
                    try await here.post("/board/account/password", change + [("csrf", there.csrf)]).status == .forbidden,
                    "another session's token")
                #expect(try await there.get("/board").status == .ok, "nothing changed: the other session lives")
                let wrong = try await here.post(
                    "/board/account/password",
                    [("current", "guess")] + change.dropFirst() + [("csrf", here.csrf)])
                #expect(wrong.status == .unprocessableContent && wrong.html.contains("is not your current password"))
                let common = try await here.post(
                    "/board/account/password",
                    [
                        ("current", dora.password), ("password", "password123"),
                        ("confirm", "password123"), ("csrf", here.csrf),
                    ])
                #expect(common.status == .unprocessableContent && common.html.contains("most common"))

                let done = try await here.post("/board/account/password", change + [("csrf", here.csrf)])
                #expect(done.status == .ok && done.html.contains("Password changed; your other sessions have ended."))
                #expect(try await here.get("/board").status == .ok, "this session stays")
                #expect(try await there.get("/board").status == .seeOther, "the other one ended")
                var again = Visitor(client: client.client)
                #expect(try await again.logIn(dora).status == .unauthorized)
                #expect(try await again.logIn("dora", "dora's brand new secret").status == .seeOther)
            }
        }
    }

    @Test func personalTokensActAsTheirPersonAndOnlyTheyOrAnAdminRevokeThem() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let (dora, root) = (t.accounts[.dispatcher]!, t.accounts[.admin]!)
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(dora)
                _ = try await visitor.get("/board/account")
                #expect(try await visitor.post("/board/account/tokens", [("name", "nightly report")]).status == .forbidden)
                let made = try await visitor.post("/board/account/tokens", [("name", "nightly report"), ("csrf", visitor.csrf)])
                let secret = try #require(made.html.firstMatch(of: /id="new-token">(trg_[^<]+)</).map { String($0.1) })
                #expect(
                    made.html.contains(#"<tr id="token-"#) && made.html.contains("<td>nightly report</td>")
                        && made.html.contains("shown only now"))
                #expect(try await visitor.get("/board/account").html.contains(secret) == false, "shown once")

                let created = try await client.send(.post, "/api/v1/tickets", as: nil, token: secret, json: #"{"title": "from a script"}"#)
                #expect(created.status == .created && created.json["createdBy"] as? String == "dispatcher:dora", "it acts as Dora")
                let id = try #require(try await t.coordinator.credentials.tokens().first { $0.name == "nightly report" }?.id)

                // Tess may not revoke Dora's token; the form answers 403 and the token still works.
                let tess = try await t.addAccount("tess", .dispatcher)
                var other = Visitor(client: client.client)
                try await other.logIn(tess)
                _ = try await other.get("/board/account")
                let refused = try await other.post("/board/account/tokens/\(id)/revoke", [("csrf", other.csrf)])
                #expect(refused.status == .forbidden && refused.html.contains("only an admin may revoke somebody else"))
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: secret).status == .ok)

                #expect(try await visitor.post("/board/account/tokens/\(id)/revoke", []).status == .forbidden, "no CSRF token")
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: secret).status == .ok)
                let revoked = try await visitor.post("/board/account/tokens/\(id)/revoke", [("csrf", visitor.csrf)])
                #expect(revoked.status == .ok && revoked.html.contains("Token \(id) revoked."))
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: secret).status == .unauthorized)

                // An admin may revoke anybody's.
                let (_, another) = try await t.coordinator.credentials.issueToken(
                    name: "second", role: .dispatcher, userId: try await t.coordinator.accounts.user(login: "dora", by: .console).id)
                let anotherId = try #require(try await t.coordinator.credentials.tokens().first { $0.name == "second" }?.id)
                var admin = Visitor(client: client.client)
                try await admin.logIn(root)
                _ = try await admin.get("/board/account")
                #expect(try await admin.post("/board/account/tokens/\(anotherId)/revoke", [("csrf", admin.csrf)]).status == .ok)
                #expect(try await client.send(.get, "/api/v1/tickets", as: nil, token: another).status == .unauthorized)
            }
        }
    }

    @Test func anAuthenticatorAppIsAddedWithACodeAndThenAskedForAtSignIn() async throws {
        try await TestCoordinator.with(inventory: false) { t in
            let dora = t.accounts[.dispatcher]!
            try await t.test { client in
                var visitor = Visitor(client: client.client)
                try await visitor.logIn(dora)
                _ = try await visitor.get("/board/account")
                #expect(try await visitor.post("/board/account/second-factor/start", []).status == .forbidden)
                let started = try await visitor.post("/board/account/second-factor/start", [("csrf", visitor.csrf)])
                let key = try #require(started.html.firstMatch(of: /id="second-factor-key">([A-Z2-7]+)</).map { String($0.1) })
                let user = try await t.coordinator.accounts.user(login: "dora", by: .console)
                let secret = try t.coordinator.core.sealer.open(
                    try #require(try await t.store.read { try await $0.secondFactor(userId: user.id) }.pending))
                #expect(started.html.contains("otpauth://totp/Triage:dora?secret=\(key)"))
                let app = TOTP(secret: secret)
                let code = String(format: "%06d", app.compute(date: t.clock.now))
                let on = try await visitor.post("/board/account/second-factor/confirm", [("code", code), ("csrf", visitor.csrf)])
                #expect(on.status == .ok && on.html.components(separatedBy: "<li><code>").count - 1 == 10, "ten recovery codes")

                _ = try await visitor.post("/board/logout", [("csrf", visitor.csrf)])
                t.clock.advance(minutes: 1)
                let asked = try await visitor.logIn(dora)
                #expect(asked.status == .ok && asked.html.contains("Your sign-in code") && visitor.cookies["triage_session"] == nil)
                let pending = try #require(asked.html.firstMatch(of: /name="pending" value="([^"]+)"/).map { String($0.1) })
                let wrong = try await visitor.post(
                    "/board/login/code", [("csrf", asked.csrf ?? ""), ("pending", pending), ("code", "123456")])
                #expect(wrong.status == .unauthorized && wrong.html.contains("that code is wrong or was used already"))
                let right = try await visitor.post(
                    "/board/login/code",
                    [
                        ("csrf", asked.csrf ?? ""), ("pending", pending),
                        ("code", String(format: "%06d", app.compute(date: t.clock.now))), ("next", "/board"),
                    ])
                #expect(right.status == .seeOther && visitor.cookies["triage_session"] != nil)
                #expect(try await visitor.get("/board/account").html.contains("On: sign-in asks for the code"))
            }
        }
    }

    @Test func aRoleThatMustHaveASecondFactorIsSentToItsAccountPage() async throws {
        try await TestCoordinator.with(inventory: false, accountPolicy: AccountPolicy(bcryptCost: 4, requireSecondFactor: [.admin])) { t in
            let root = t.accounts[.admin]!
            try await t.test { client in
                var admin = Visitor(client: client.client)
                try await admin.logIn(root)
                let board = try await admin.get("/board")
                #expect(board.status == .seeOther && board.location == "/board/account")
                let account = try await admin.get("/board/account")
                #expect(account.status == .ok && account.html.contains("your role requires it"))
                let form = [
                    ("technicianId", "1"), ("start", "2026-11-23T08:00:00Z"), ("end", "2026-11-23T09:00:00Z"), ("csrf", admin.csrf),
                ]
                #expect(try await admin.post("/board/tickets/1/visits", form).status == .forbidden)

                // Only the enrolment forms and sign-out act: no personal token to go around it, no new password.
                let token = try await admin.post("/board/account/tokens", [("name", "around it"), ("csrf", admin.csrf)])
                #expect(token.status == .forbidden && !token.html.contains("trg_"), "\(token.status)")
                #expect(try await t.coordinator.credentials.tokens().filter { $0.userId != nil }.isEmpty, "no token was made")
                let password = [("current", root.password), ("password", "root's brand new one"), ("confirm", "root's brand new one")]
                #expect(try await admin.post("/board/account/password", password + [("csrf", admin.csrf)]).status == .forbidden)
                let started = try await admin.post("/board/account/second-factor/start", [("csrf", admin.csrf)])
                #expect(started.status == .ok && started.html.contains("id=\"second-factor-key\""))
                #expect(try await admin.post("/board/logout", [("csrf", admin.csrf)]).status == .seeOther)
            }
        }
    }
}
