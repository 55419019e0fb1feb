import Foundation
import Logging
import ServiceLifecycle
import TriageDomain
import TriageHTTP

/// Sends due webhook deliveries every `interval` until graceful shutdown (docs/webhooks.md): each
/// under a lease in the store, so with several instances on one database each is sent by one at a
/// time, and one SIGKILLed mid-send leaves it to another once the lease ends. With no endpoint it
/// costs one indexed query per interval.
struct WebhookService: Service {
    let coordinator: Coordinator
    let transport: any WebhookTransport
    let interval: Duration
    let logger: Logger
    let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    let delivered = try await coordinator.webhooks.deliverDue(through: transport, holder: holder)
                    if !delivered.isEmpty { logger.debug("webhooks delivered: \(delivered.map(String.init).joined(separator: ", "))") }
                    if failing { logger.notice("webhooks: sending again") }
                    failing = false
                } catch is CancellationError {
                    return
                } catch {
                    if !failing { logger.error("webhooks: cannot send: \(error)") }
                    failing = true
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Webhooks over the coordinator's own HTTP/1.1 client (TriageHTTP: TLS through OpenSSL, the
/// system's certificate store): one POST per attempt, its status the answer.
struct HTTPWebhookTransport: WebhookTransport {
    let client = HTTPClient(configuration: .init(maxBody: 1 << 20))

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> Int {
        do {
            let request = HTTPRequest(
                method: "POST", url: url, headers: headers.map { (name: $0.0, value: $0.1) }, body: body, timeout: timeout)
            return try await client.send(request).status
        } catch let error as HTTPClientError {
            throw WebhookTransportError(error.description)
        }
    }
}
