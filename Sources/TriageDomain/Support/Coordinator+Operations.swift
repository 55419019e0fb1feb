import Foundation
import TriageModel

/// What the server's operations ask of the domain: is the store answering, what it holds, how
/// often PostgreSQL retried a write, and closing it on the way out.
extension Coordinator {
    /// Throws when the store does not answer a read.
    public func probe() async throws {
        _ = try await store.read { try await $0.exists(.customer, 1) }
    }

    /// Tickets by status, for /metrics.
    public func ticketCounts() async throws -> [TicketStatus: Int] {
        try await store.read { try await $0.ticketCountsByStatus(TicketFilter()) }
    }

    /// Writes the store ran again after a serialization failure; nil for SQLite, which never retries.
    public var storeWriteRetries: Int? { store.retriedWrites }

    public func closeStore() async throws { try await store.close() }
}
