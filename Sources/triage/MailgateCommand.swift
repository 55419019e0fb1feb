import ArgumentParser
import Foundation
import TriageHTTP

/// `triage mailgate`: what an MTA's pipe runs for each message (docs/mail.md, "The mailgate").
/// Exit codes are sysexits(3), which Postfix and Exim read: 0 stored, 75 (EX_TEMPFAIL) try again
/// later — the MTA keeps the message — and 65 (EX_DATAERR) never.
struct MailgateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailgate",
        abstract: "Post one RFC 5322 message from stdin to the coordinator (for an MTA's pipe: a Postfix alias, an Exim pipe).")

    @Option(help: "The coordinator's address, e.g. https://triage.example.com.") var url: String
    @Option(help: "A file with a mailgate token (triage token create --role mailgate).") var tokenFile: String
    @Option(help: "The envelope sender; default: $SENDER, as Postfix's local(8) sets it.") var sender: String?
    @Option(help: "The envelope recipient; default: $ORIGINAL_RECIPIENT or $RECIPIENT.") var recipient: String?
    @Option(help: "Trust roots for an https coordinator (PEM); default: the system's.") var caFile: String?
    @Option(help: "Seconds to wait for the coordinator.") var timeout = 60

    static let stored: Int32 = 0
    static let dataError: Int32 = 65
    static let tryLater: Int32 = 75

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw fail(Self.tryLater, "cannot read the token file \(tokenFile): \(error.localizedDescription)")
        }
        let message = FileHandle.standardInput.readDataToEndOfFile()
        guard !message.isEmpty else { throw fail(Self.dataError, "stdin was empty: no message to post") }
        var target = url.hasSuffix("/") ? String(url.dropLast()) : url
        target += "/api/v1/mail"
        var query: [String] = []
        if let value = sender ?? environment["SENDER"] { query.append("sender=" + Self.encoded(value)) }
        if let value = recipient ?? environment["ORIGINAL_RECIPIENT"] ?? environment["RECIPIENT"] {
            query.append("recipient=" + Self.encoded(value))
        }
        if !query.isEmpty { target += "?" + query.joined(separator: "&") }
        let client = HTTPClient(configuration: .init(caFile: caFile, maxBody: 1 << 20))
        let response: HTTPResponse
        do {
            response = try await client.send(
                HTTPRequest(
                    method: "POST", url: target,
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "message/rfc822")],
                    body: [UInt8](message), timeout: .seconds(timeout)))
        } catch {
            throw fail(Self.tryLater, "the coordinator at \(url) did not answer: \(error); the MTA keeps the message and tries again")
        }
        let answer = String(decoding: response.body.prefix(2000), as: UTF8.self)
        switch response.status {
        case 200..<300:
            return
        case 413, 415, 422:
            throw fail(Self.dataError, "the coordinator refused the message for good (\(response.status)): \(answer)")
        default:
            // 5xx, and 401/403 (a token to fix): the MTA keeps the mail until someone fixes it.
            throw fail(Self.tryLater, "the coordinator answered \(response.status): \(answer); the MTA keeps the message and tries again")
        }
    }

    private func fail(_ code: Int32, _ why: String) -> ExitCode {
        FileHandle.standardError.write(Data("triage mailgate: \(why)\n".utf8))
        return ExitCode(code)
    }

    private static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~@"))) ?? ""
    }
}
