import Foundation
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// Mail through real parts: Debian's Postfix delivering through an alias pipe to `triage mailgate`,
/// a real `triage serve`, and the aiosmtpd sink as the smarthost its outbox sends to. One Postfix
/// per machine, so the suite is serialized.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct MailProcessTests {
    /// A served coordinator whose mail goes to `sink`, a customer with Yuki as contact, and a mailgate token file the pipe can read.
    struct Desk {
        let folder: TempFolder
        var serve: TriageServe
        let config: String
        let tokenFile: String
        let customer: Int

        init(sink: SMTPSink, timeoutSeconds: Int = 10, leaseSeconds: Int = 30) throws {
            folder = try TempFolder()
            chmod(folder.path, 0o755)
            config = folder.path + "/triage.yaml"
            try """
            mail:
              address: support@triage.test
              name: Acme IT
              delivery: smtp
              smtp: {host: 127.0.0.1, port: \(sink.port), security: none, timeoutSeconds: \(timeoutSeconds)}
              outboxSeconds: 1
              sendLeaseSeconds: \(leaseSeconds)
              retrySeconds: 2
            """.write(toFile: config, atomically: true, encoding: .utf8)
            serve = try TriageServe(folder, ["--config", config])
            customer = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#).json["id"] as? Int ?? 0
            _ = try serve.request(
                "POST", "/api/v1/contacts", #"{"customerId": \#(customer), "name": "Yuki Tanaka", "email": "yuki@acme.example"}"#)
            let token = try Shell.run(
                builtProduct("triage"),
                [
                    "token", "create", "--role", "mailgate", "--name", "postfix", "--config", config,
                    "--data", serve.data,
                ])
            guard token.status == 0 else { throw TestSupportError("token create failed: \(token.stderr)") }
            tokenFile = folder.path + "/mailgate-token"
            try token.stdout.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            chmod(tokenFile, 0o644)
        }

        var mailgate: String { "\(builtProduct("triage")) mailgate --url \(serve.url) --token-file \(tokenFile)" }

        /// A GET's body as text (a list answer is an array, not an object).
        func get(_ path: String) throws -> String {
            try Shell.run("/usr/bin/curl", ["-s", "-H", "Authorization: Bearer \(serve.adminToken)", serve.url + path]).stdout
        }

        func tickets() throws -> [[String: Any]] { try serve.request("GET", "/api/v1/tickets").json["items"] as? [[String: Any]] ?? [] }

        func events(_ ticket: Int, _ type: String) throws -> [[String: Any]] {
            (try serve.request("GET", "/api/v1/tickets/\(ticket)/events?limit=200").json["items"] as? [[String: Any]] ?? [])
                .filter { $0["type"] as? String == type }
        }
    }

    @Test func postfixDeliversThroughTheMailgateAndKeepsMailWhileTheCoordinatorIsDown() async throws {
        let sink = try await SMTPSink()
        var desk = try Desk(sink: sink)
        defer { _ = sink.stop() }
        try await TestPostfix.exclusive(command: desk.mailgate) { postfix in

            // A new mail opens a ticket with its requester, and the acknowledgement reaches the sender.
            let first = MailFixture.message(from: "Yuki Tanaka <yuki@acme.example>", subject: "Printer on fire")
            try postfix.send(first, from: "yuki@acme.example")
            #expect(try await waitFor(seconds: 20) { try desk.tickets().count == 1 }, "\(postfix.log)")
            let ticket = try #require(try desk.tickets().first)
            let id = try #require(ticket["id"] as? Int)
            #expect(ticket["requesterId"] as? Int != nil && ticket["channel"] as? String == "email")
            #expect(try await waitFor(seconds: 20) { sink.count == 1 })
            let ack = try MailParser.parse(try sink.message(1).content)
            #expect(ack.subject.contains("[Triage #\(id)]") && ack.header("Auto-Submitted") == "auto-replied")

            // The technician's reply goes out; the customer's answer to it threads by Message-ID.
            #expect(try desk.serve.request("POST", "/api/v1/tickets/\(id)/comments", #"{"body": "Unplug it, please."}"#).status == 201)
            #expect(try await waitFor(seconds: 20) { sink.count == 2 })
            let reply = try MailParser.parse(try sink.message(2).content)
            try postfix.send(
                MailFixture.message(
                    from: "yuki@acme.example", subject: "Re: Printer", body: "Done, it is out.\n",
                    headers: ["In-Reply-To: <\(reply.messageId ?? "")>"]), from: "yuki@acme.example")
            #expect(try await waitFor(seconds: 20) { try desk.events(id, "mail_received").count == 2 })

            // A forged tag from a stranger does not append; it waits in quarantine.
            try postfix.send(
                MailFixture.message(from: "mallory@evil.example", subject: "[Triage #\(id)] urgent invoice"), from: "mallory@evil.example")
            #expect(try await waitFor(seconds: 20) { try desk.get("/api/v1/mail/quarantine").contains("mallory@evil.example") })
            #expect(try desk.events(id, "mail_received").count == 2)

            // An out-of-office is a note; a real bounce from Postfix (our reply to an unknown user) is a note and marks the contact.
            try postfix.send(
                MailFixture.message(
                    from: "yuki@acme.example", subject: "Automatic reply: Re: Printer", body: "Away.\n",
                    headers: ["Auto-Submitted: auto-replied", "In-Reply-To: <\(reply.messageId ?? "")>"]), from: "yuki@acme.example")
            let ghost =
                try desk.serve.request(
                    "POST", "/api/v1/contacts", #"{"customerId": \#(desk.customer), "name": "Gone", "email": "gone@triage.test"}"#
                ).json["id"] as? Int ?? 0
            try postfix.send(
                String(decoding: try sink.message(2).content, as: UTF8.self), from: "support@triage.test", to: "gone@triage.test")
            #expect(try await waitFor(seconds: 30) { try desk.events(id, "mail_received").count == 4 }, "\(postfix.log)")
            let notes = try desk.events(id, "mail_received").compactMap { ($0["data"] as? [String: Any])?["automatic"] as? String }
            #expect(notes.count == 2, "\(notes)")
            #expect(
                try await waitFor(seconds: 10) {
                    (try desk.serve.request("GET", "/api/v1/contacts/\(ghost)").json["undeliverable"] as? String)?.hasPrefix("5.") == true
                })
            #expect(try desk.serve.request("GET", "/api/v1/tickets/\(id)").json["status"] as? String != "resolved")
            #expect(sink.count == 2, "nothing answered the automatic mail")

            // The same message delivered twice: one ticket.
            let twice = MailFixture.message(from: "yuki@acme.example", subject: "Scanner jammed")
            try postfix.send(twice, from: "yuki@acme.example")
            try postfix.send(twice, from: "yuki@acme.example")
            #expect(try await waitFor(seconds: 20) { try desk.tickets().count == 2 })
            try await Task.sleep(for: .seconds(2))
            #expect(try desk.tickets().count == 2)

            // The coordinator down: the mailgate exits 75, Postfix keeps the mail, and delivers it once it is back.
            let port = desk.serve.port
            desk.serve.process.terminate()
            try postfix.send(MailFixture.message(from: "yuki@acme.example", subject: "Projector broken"), from: "yuki@acme.example")
            #expect(try await waitFor(seconds: 20) { postfix.log.contains("status=deferred") }, "\(postfix.log)")
            #expect(postfix.queue.contains("yuki@acme.example"))
            desk.serve = try TriageServe(desk.folder, ["--config", desk.config], port: port)
            try postfix.flush()
            #expect(
                try await waitFor(seconds: 30) { try desk.tickets().contains { $0["title"] as? String == "Projector broken" } },
                "\(postfix.log)")
            #expect(try await waitFor(seconds: 10) { postfix.queue.contains("Mail queue is empty") })
            desk.serve.process.terminate()
        }
    }

    @Test func aCoordinatorKilledMidSendSendsEachReplyOnceAfterTheRestart() async throws {
        // The sink holds every RCPT for 6 s: the coordinator is killed while it waits, as soon as the
        // outbox says the message is being sent (a fixed sleep was too short on a loaded machine).
        let sink = try await SMTPSink(["--delay-rcpt", "6"])
        var desk = try Desk(sink: sink, timeoutSeconds: 10, leaseSeconds: 30)
        defer {
            desk.serve.process.terminate()
            _ = sink.stop()
        }
        let yuki =
            try #require(try desk.serve.request("GET", "/api/v1/contacts").json["items"] as? [[String: Any]]).first?["id"] as? Int ?? 0
        let id =
            try desk.serve.request("POST", "/api/v1/tickets", #"{"title": "Laptop slow", "requesterId": \#(yuki)}"#).json["id"] as? Int ?? 0
        #expect(try desk.serve.request("POST", "/api/v1/tickets/\(id)/comments", #"{"body": "Restart it, please."}"#).status == 201)
        #expect(
            try await waitFor(seconds: 20) { try desk.get("/api/v1/tickets/\(id)/outbox").contains(#""state":"sending""#) },
            "the outbox took it")
        kill(desk.serve.process.pid, SIGKILL)
        _ = desk.serve.process.wait()
        #expect(sink.count == 0, "killed before the message was accepted")

        desk.serve = try TriageServe(desk.folder, ["--config", desk.config], port: desk.serve.port)
        let states = try desk.get("/api/v1/tickets/\(id)/outbox")
        #expect(states.contains(#""state":"sending""#), "taken by the killed instance: \(states)")
        #expect(try await waitFor(seconds: 60) { sink.count == 1 }, "sent once its lease ended")
        try await Task.sleep(for: .seconds(3))
        #expect(sink.count == 1, "and only once")
        let sent = try desk.get("/api/v1/tickets/\(id)/outbox")
        #expect(sent.contains(#""state":"sent""#) && sent.contains(#""attempts":2"#), "\(sent)")
    }

    /// Nobody misses an S1: a real `triage serve` assigns it by the rules to the one technician on
    /// shift, and the notification reaches her mailbox (the sink) within a minute.
    @Test func anS1AssignedByTheRulesReachesItsTechniciansMailWithinAMinute() async throws {
        let sink = try await SMTPSink()
        let desk = try Desk(sink: sink)
        defer {
            desk.serve.process.terminate()
            _ = sink.stop()
        }
        let shifts = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        let vera =
            try desk.serve.request("POST", "/api/v1/technicians", #"{"name": "Vera", "shifts": [\#(shifts)]}"#).json["id"] as? Int ?? 0
        try desk.serve.createUser(
            "vera", role: "technician", password: "vera keeps a long secret", technician: vera, email: "vera@ours.example")
        let started = ContinuousClock.now
        let ticket = try desk.serve.request(
            "POST", "/api/v1/tickets", #"{"title": "Core switch down", "severity": 1, "customerId": \#(desk.customer)}"#)
        #expect(ticket.json["assigneeId"] as? Int == vera, "\(ticket.json)")
        #expect(try await waitFor(seconds: 60) { sink.count == 1 }, "the mail within a minute")
        let took = ContinuousClock.now - started
        let (content, envelope) = try sink.message(1)
        let mail = try MailParser.parse(content)
        #expect(envelope.rcptTos == ["vera@ours.example"])
        #expect(mail.subject == "[S1] Assigned to you: #\(ticket.json["id"] as? Int ?? 0) Core switch down")
        print("an S1's notification reached the sink \(took) after the ticket was opened")
        #expect(took < .seconds(60))
    }

    @Test func theMailgateExitsAsMTAsReadIt() async throws {
        let sink = try await SMTPSink()
        var desk = try Desk(sink: sink)
        defer { _ = sink.stop() }
        let gate = builtProduct("triage")
        func mailgate(_ raw: String, token: String? = nil, url: String? = nil) throws -> Shell.Output {
            var tokenFile = desk.tokenFile
            if let token {
                tokenFile = desk.folder.path + "/other-token"
                try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            }
            return try Shell.run(
                gate, ["mailgate", "--url", url ?? desk.serve.url, "--token-file", tokenFile, "--sender", "yuki@acme.example"], input: raw)
        }
        let good = MailFixture.message(from: "yuki@acme.example", subject: "Monitor dark")
        #expect(try mailgate(good).status == 0)
        let garbage = try mailgate("no headers at all, only words\n")
        #expect(garbage.status == 65 && garbage.stderr.contains("not a mail"), "\(garbage.stderr)")
        let empty = try mailgate("")
        #expect(empty.status == 65 && empty.stderr.contains("empty"))
        let wrongToken = try mailgate(good, token: "trg_not-a-token")
        #expect(wrongToken.status == 75 && wrongToken.stderr.contains("401"), "a token to fix: the MTA keeps the mail")
        let dispatcher = try Shell.run(
            gate, ["token", "create", "--role", "dispatcher", "--name", "d", "--config", desk.config, "--data", desk.serve.data]
        ).stdout
        #expect(try mailgate(good, token: dispatcher).status == 75)
        desk.serve.process.terminate()
        let down = try mailgate(good)
        #expect(down.status == 75 && down.stderr.contains("did not answer"))
        let missing = try Shell.run(
            gate, ["mailgate", "--url", "http://127.0.0.1:9", "--token-file", desk.folder.path + "/none"], input: good)
        #expect(missing.status == 75 && missing.stderr.contains("cannot read the token file"))
        desk.serve = try TriageServe(desk.folder, ["--config", desk.config], port: desk.serve.port)
        defer { desk.serve.process.terminate() }
        #expect(try desk.tickets().count == 1, "one ticket: the good message, once")
    }
}
