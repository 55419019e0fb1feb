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

/// The conversation end to end in two real Chromium windows with JavaScript on, a real
/// `triage serve`, Debian's Postfix piping to `triage mailgate`, and the aiosmtpd sink as the
/// smarthost: the desk opens a ticket for a caller who is not a contact yet; the technician
/// replies with a file; the sink receives it threaded, with the file; the customer's answer,
/// delivered by Postfix, appears on the technician's open page without a reload while a
/// half-typed reply survives. Screenshots go to .build/artifacts/board/.
@Suite(.serialized) struct ConversationBrowserTests {
    static let dora = (login: "dora", password: "dora dispatches all day")
    static let rina = (login: "rina", password: "rina answers the customers")

    @Test func aCallersTicketIsAnsweredByMailWithAFileAndTheAnswerArrivesLive() async throws {
        let sink = try await SMTPSink()
        defer { _ = sink.stop() }
        let desk = try MailProcessTests.Desk(sink: sink)
        defer { desk.serve.process.terminate() }
        let serve = desk.serve
        let always = (1...7).map { #"{"weekday": \#($0), "start": "00:00", "end": "24:00"}"# }.joined(separator: ",")
        let rinaId =
            try serve.request("POST", "/api/v1/technicians", #"{"name": "Rina Kato", "tier": 1, "shifts": [\#(always)]}"#).json["id"]
            as? Int ?? 0
        for (who, role, technician) in [(Self.dora, "dispatcher", nil), (Self.rina, "technician", rinaId)]
            as [((login: String, password: String), String, Int?)]
        {
            let made = try Shell.run(
                builtProduct("triage"),
                [
                    "user", "create", who.login, "--role", role, "--password-stdin", "--config", desk.config,
                    "--data", serve.data,
                ] + (technician.map { ["--technician", "\($0)"] } ?? []),
                input: who.password + "\n")
            guard made.status == 0 else { throw TestSupportError("triage user create: \(made.stderr)") }
        }
        let attachment = desk.folder.path + "/restart steps.txt"
        try "1. Hold the power button.\n2. Count to ten.\n".write(toFile: attachment, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: BoardBrowserTests.artifacts, withIntermediateDirectories: true)

        try await TestPostfix.exclusive(command: desk.mailgate) { postfix in
            let dispatcher = try await Browser(desk.folder, javaScript: true)
            let technician = try await Browser(try TempFolder(), javaScript: true)
            do {
                // The desk takes the call: Kenji is not a contact yet.
                try await WorkdayBrowserTests.signIn(dispatcher, serve.url, Self.dora.login, Self.dora.password)
                _ = try await dispatcher.url { $0.hasSuffix("/board") }
                try await dispatcher.go(serve.url + "/board/tickets/new")
                try await dispatcher.type("#find", "Acme")
                try await dispatcher.click("#search")
                try await dispatcher.click("#found a")
                try await dispatcher.type("#title", "Laptop will not start")
                try await dispatcher.click("#requester-new")
                try await dispatcher.type("#contact-name", "Kenji Mori")
                try await dispatcher.type("#contact-email", "kenji@acme.example")
                try await dispatcher.click("#open-ticket")
                let opened = try await dispatcher.url { $0.contains("?opened=1") }
                let id = try #require(Int(opened.split(separator: "/").last?.split(separator: "?").first ?? ""))
                #expect(try await dispatcher.text("#live-summary .facts").contains("Kenji Mori · kenji@acme.example"))
                #expect(try await dispatcher.text("#reply-recipients").contains("Kenji Mori <kenji@acme.example>"))
                _ = try serve.request("PATCH", "/api/v1/tickets/\(id)", #"{"assigneeId": \#(rinaId)}"#)

                // The technician replies with a file.
                try await WorkdayBrowserTests.signIn(technician, serve.url, Self.rina.login, Self.rina.password)
                _ = try await technician.url { $0.hasSuffix("/board") }
                try await technician.go(serve.url + "/board/tickets/\(id)")
                try await technician.type("#reply-body", "Hello Kenji,\nplease try the steps in the file.")
                try await technician.type("#reply-files", attachment)
                try await technician.click("#send-comment")
                _ = try await technician.url { $0.hasSuffix("#conversation") }
                #expect(try await waitFor(seconds: 20) { sink.count == 1 })
                let (content, envelope) = try sink.message(1)
                let sent = try MailParser.parse(content)
                #expect(envelope.rcptTos == ["kenji@acme.example"] && sent.subject == "Re: Laptop will not start [Triage #\(id)]")
                #expect(sent.from?.name == "Rina Kato (Acme IT)" && sent.text.contains("please try the steps"))
                #expect(sent.attachments.first?.filename == "restart steps.txt")
                #expect(sent.attachments.first?.data == Array("1. Hold the power button.\n2. Count to ten.\n".utf8))
                #expect(try await technician.waitUntil(seconds: 10) { try await technician.text("#conversation").contains("Mail sent") })
                try await WorkdayBrowserTests.shot(technician, "conversation-reply-sent")

                // She starts the next reply; the customer's answer comes in through Postfix and shows up live.
                try await technician.type("#reply-body", "Thanks, I will")
                let answer = MailFixture.message(
                    from: "Kenji Mori <kenji@acme.example>", to: "support@triage.test", subject: "Re: Laptop will not start",
                    body: "Counted to ten, it starts again.\n", headers: ["In-Reply-To: <\(sent.messageId ?? "")>"])
                try postfix.send(answer, from: "kenji@acme.example")
                #expect(
                    try await technician.waitUntil(seconds: 30) {
                        try await technician.text("#conversation").contains("Counted to ten, it starts again.")
                    }, "\(postfix.log)")
                #expect(
                    try await technician.execute("return document.querySelector('#reply-body').value;") as? String == "Thanks, I will",
                    "the half-typed reply survives")
                #expect(try await technician.text("#conversation").contains("From the customer"))
                try await WorkdayBrowserTests.shot(technician, "conversation-answer-live")
            } catch {
                _ = try? await technician.screenshot(to: BoardBrowserTests.artifacts + "/conversation-failure.png")
                await dispatcher.quit()
                await technician.quit()
                throw error
            }
            await dispatcher.quit()
            await technician.quit()
        }
    }
}
