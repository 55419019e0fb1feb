import TriageDomain

/// A first-come-first-served lock for async code. An actor alone does not serialise work that
/// awaits inside it; a transaction on a shared SQLite connection needs exactly that.
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        guard locked else {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding the lock. Non-isolated, so the body runs in the caller's context.
    nonisolated func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await lock()
        do {
            let result = try await body()
            await unlock()
            return result
        } catch {
            await unlock()
            throw error
        }
    }
}
