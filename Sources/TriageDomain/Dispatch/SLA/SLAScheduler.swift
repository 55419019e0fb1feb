import Foundation
import Logging
import ServiceLifecycle

/// Runs the SLA checks, the host-silence checks and the diagnosis jobs' expiry every `interval` until graceful shutdown. Each pass takes the scheduler's
/// lease in the database (three intervals long) first, so with several instances on one database
/// one runs the checks and another takes over when it stops renewing.
package struct SLAScheduler: Service {
    package let coordinator: Coordinator
    package let interval: Duration
    package let logger: Logger
    /// This instance, as the lease names it.
    package let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

    package func run() async throws {
        let lease = Double(interval.components.seconds) * 3
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let events = try await coordinator.dispatch.runSLAChecks(at: coordinator.now(), holder: holder, leaseSeconds: lease)
                    if !events.isEmpty { logger.info("SLA checks wrote \(events.count) events") }
                    let silent = try await coordinator.health.runSilenceChecks(at: coordinator.now(), holder: holder, leaseSeconds: lease)
                    if !silent.isEmpty { logger.info("hosts not reporting: tickets \(silent.map(String.init).joined(separator: ", "))") }
                    let expired = try await coordinator.jobs.runExpiry(at: coordinator.now(), holder: holder, leaseSeconds: lease)
                    if !expired.isEmpty { logger.info("diagnosis jobs expired: \(expired.map(String.init).joined(separator: ", "))") }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("SLA checks failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    package init(coordinator: Coordinator, interval: Duration, logger: Logger) {
        self.coordinator = coordinator
        self.interval = interval
        self.logger = logger
    }
}
