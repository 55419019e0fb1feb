import Foundation
import Logging
import ServiceLifecycle
import TriageAPI
import TriageBoard
import TriageDomain
import TriageEdge
import TriageMailTransport
import TriageStorage

/// Sends the outbox every `interval` until graceful shutdown (docs/mail.md, "Email out"), after
/// queuing the notification mail that quiet hours held or a digest gathered: each
/// message under a lease in the store, so with several instances on one database each message
/// is sent by one, and one SIGKILLed mid-send leaves it to another once the lease ends.
struct OutboxService: Service {
    let coordinator: Coordinator
    let transport: any MailTransport
    let interval: Duration
    let logger: Logger
    let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

    /// The transport the policy names: the local `sendmail`, or SMTP to a smarthost.
    static func transport(_ policy: MailPolicy) -> any MailTransport {
        switch policy.delivery {
        case .sendmail: SendmailTransport(path: policy.sendmail)
        case .smtp: SMTPTransport(settings: policy.smtp!)
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Held and digest notifications due now join the outbox first (docs/notifications.md);
                // a failure there does not hold up the rest of the outbox.
                do {
                    try await coordinator.notifications.mailDue()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("notification mail could not be queued: \(error)")
                }
                do {
                    let sent = try await coordinator.mail.deliverDue(
                        through: transport, holder: holder,
                        leaseSeconds: Double(coordinator.mail.policy.sendLeaseSeconds))
                    if !sent.isEmpty { logger.info("mail sent: outbox \(sent.map(String.init).joined(separator: ", "))") }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("the outbox failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
