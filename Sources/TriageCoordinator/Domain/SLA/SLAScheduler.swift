import Foundation
import Logging
import ServiceLifecycle

/// Runs the SLA checks every `interval` until graceful shutdown. One instance per database for
/// now; several coordinators on one PostgreSQL will take a lease first.
struct SLAScheduler: Service {
    let coordinator: Coordinator
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let events = try await coordinator.runSLAChecks(at: coordinator.now())
                    if !events.isEmpty { logger.info("SLA checks wrote \(events.count) events") }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("SLA checks failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
