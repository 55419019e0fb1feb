import Foundation

/// How the desk takes mail in and sends it out (`mail:` in the configuration file; docs/mail.md).
///
/// ```yaml
/// mail:
///   address: support@example.com      # replies come from it; without it nothing is mailed
///   name: Example IT support
///   unknownSenders: quarantine          # or a customer id: their tickets
///   reopenWithinDays: 14
///   acknowledge: true
///   maxAttachmentBytes: 26214400
///   delivery: sendmail                  # or smtp
///   sendmail: /usr/sbin/sendmail
///   smtp: {host: mail.example.com, port: 587, security: starttls, username: triage, passwordFile: /etc/triage/smtp-password}
///   boardURL: https://triage.example.com   # notification mails link to the ticket there
/// ```
public struct MailPolicy: Decodable, Sendable, Equatable {
    public enum Delivery: String, Codable, Sendable { case sendmail, smtp }

    /// The desk's address; nil turns mail out off (replies are kept, nothing is sent).
    public var address: String?
    /// The name replies come from.
    public var name = "Support"
    /// Mail from a sender no customer knows: nil holds it for the desk (quarantine); a customer id
    /// opens their tickets.
    public var unknownSenderCustomer: Int?
    /// A mail to a resolved or closed ticket reopens it within this many days of its resolution;
    /// later it opens a new ticket that names the old one.
    public var reopenWithinDays = 14
    /// A new ticket from mail gets an acknowledgement with its number.
    public var acknowledge = true
    /// Files above this are kept as a stub (name, size, SHA-256) and the sender is told once.
    public var maxAttachmentBytes = 25 << 20
    /// A raw message above this is refused (413; the mailgate exits 65).
    public var maxMessageBytes = 50 << 20
    /// Local `sendmail` by default: the machine's MTA queues, signs and retries with its own
    /// configuration (docs/mail.md says why).
    public var delivery = Delivery.sendmail
    public var sendmail = "/usr/sbin/sendmail"
    public var smtp: SMTPSettings?
    /// The first retry's wait; each next one doubles it, up to `maxRetrySeconds`.
    public var retrySeconds = 30
    public var maxRetrySeconds = 6 * 3600
    /// A message still not sent this long after it was queued fails.
    public var giveUpAfterHours = 48
    /// Automatic mail (acknowledgements) to one address about one ticket: at most one per this many minutes.
    public var automaticMailMinutes = 60
    /// How often each instance looks for mail to send.
    public var outboxSeconds = 2
    /// How long an instance holds a message it sends: longer than a send can take (the SMTP
    /// timeout per step), so another instance takes it only from one that stopped.
    public var sendLeaseSeconds = 300
    /// Where people open the workspace (`https://triage.example.com`): notification mails link
    /// to each ticket there; without it they name the ticket's path.
    public var boardURL: String?

    public init() {}

    /// The domain of `address`: what our Message-IDs end in.
    package var domain: String { address.flatMap { $0.split(separator: "@").last.map(String.init) } ?? "triage.invalid" }

    public func validate() throws {
        if let address, address.split(separator: "@").count != 2 {
            throw CoordinatorError(.configuration, "mail.address '\(address)' is not an email address")
        }
        if reopenWithinDays < 0 { throw CoordinatorError(.configuration, "mail.reopenWithinDays must be 0 or more") }
        if maxAttachmentBytes < 1024 || maxMessageBytes < maxAttachmentBytes {
            throw CoordinatorError(.configuration, "mail.maxAttachmentBytes must be at least 1024 and at most mail.maxMessageBytes")
        }
        if retrySeconds < 1 || maxRetrySeconds < retrySeconds || giveUpAfterHours < 1 {
            throw CoordinatorError(.configuration, "mail: retrySeconds ≥ 1, maxRetrySeconds ≥ retrySeconds, giveUpAfterHours ≥ 1")
        }
        if sendLeaseSeconds < 2 { throw CoordinatorError(.configuration, "mail.sendLeaseSeconds must be at least 2") }
        if let smtp, Double(sendLeaseSeconds) < Double(smtp.timeout.components.seconds) * 3 {
            throw CoordinatorError(
                .configuration, "mail.sendLeaseSeconds must be at least 3 × mail.smtp.timeoutSeconds: longer than a send takes")
        }
        if !(1...3600).contains(outboxSeconds) { throw CoordinatorError(.configuration, "mail.outboxSeconds must be 1…3600") }
        if let boardURL, !(boardURL.hasPrefix("https://") || boardURL.hasPrefix("http://")) || boardURL.contains(" ") {
            throw CoordinatorError(.configuration, "mail.boardURL '\(boardURL)' is not an http(s) URL")
        }
        if delivery == .smtp, smtp == nil { throw CoordinatorError(.configuration, "mail.delivery smtp needs mail.smtp: {host, port, …}") }
    }

    /// The wait before attempt `attempt` + 1 (1-based attempts made so far).
    package func retryDelay(afterAttempt attempt: Int) -> TimeInterval {
        Double(min(maxRetrySeconds, retrySeconds << min(max(attempt - 1, 0), 20)))
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case address, name, unknownSenders, reopenWithinDays, acknowledge, maxAttachmentBytes, maxMessageBytes, delivery, sendmail, smtp
        case retrySeconds, maxRetrySeconds, giveUpAfterHours, automaticMailMinutes, outboxSeconds, sendLeaseSeconds, boardURL
    }

    private struct SMTPFile: Decodable {
        var host: String
        var port: Int?
        var security: SMTPSettings.Security?
        var username: String?
        var passwordFile: String?
        var heloName: String?
        var caFile: String?
        var timeoutSeconds: Int?
    }

    public init(from decoder: any Decoder) throws {
        try ConfigSection.refuseUnknownKeys(in: decoder, section: "mail", known: CodingKeys.allCases.map(\.stringValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? name
        if let unknown = try c.decodeIfPresent(String.self, forKey: .unknownSenders), unknown != "quarantine" {
            guard let id = Int(unknown) else {
                throw CoordinatorError(.configuration, "mail.unknownSenders must be quarantine or a customer id, not '\(unknown)'")
            }
            unknownSenderCustomer = id
        }
        reopenWithinDays = try c.decodeIfPresent(Int.self, forKey: .reopenWithinDays) ?? reopenWithinDays
        acknowledge = try c.decodeIfPresent(Bool.self, forKey: .acknowledge) ?? acknowledge
        maxAttachmentBytes = try c.decodeIfPresent(Int.self, forKey: .maxAttachmentBytes) ?? maxAttachmentBytes
        maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? maxMessageBytes
        delivery = try c.decodeIfPresent(Delivery.self, forKey: .delivery) ?? delivery
        sendmail = try c.decodeIfPresent(String.self, forKey: .sendmail) ?? sendmail
        retrySeconds = try c.decodeIfPresent(Int.self, forKey: .retrySeconds) ?? retrySeconds
        maxRetrySeconds = try c.decodeIfPresent(Int.self, forKey: .maxRetrySeconds) ?? maxRetrySeconds
        giveUpAfterHours = try c.decodeIfPresent(Int.self, forKey: .giveUpAfterHours) ?? giveUpAfterHours
        automaticMailMinutes = try c.decodeIfPresent(Int.self, forKey: .automaticMailMinutes) ?? automaticMailMinutes
        outboxSeconds = try c.decodeIfPresent(Int.self, forKey: .outboxSeconds) ?? outboxSeconds
        sendLeaseSeconds = try c.decodeIfPresent(Int.self, forKey: .sendLeaseSeconds) ?? sendLeaseSeconds
        boardURL = try c.decodeIfPresent(String.self, forKey: .boardURL).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let file = try c.decodeIfPresent(SMTPFile.self, forKey: .smtp) {
            var password: String?
            if let path = file.passwordFile {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw CoordinatorError(.configuration, "mail.smtp.passwordFile: cannot read \(path)")
                }
                password = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            smtp = SMTPSettings(
                host: file.host, port: file.port, security: file.security ?? .starttls, username: file.username,
                password: password, heloName: file.heloName ?? ProcessInfo.processInfo.hostName, caFile: file.caFile,
                timeout: .seconds(file.timeoutSeconds ?? 30))
        }
    }
}
