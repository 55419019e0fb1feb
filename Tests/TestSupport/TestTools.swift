import Foundation

/// A product SwiftPM built next to the test bundle (`triage`, `triage-agent`).
public func builtProduct(_ name: String) -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
}

/// Polls `condition` every 100 ms; false when it never held within `seconds`.
public func waitUntil(seconds: Double, _ condition: () throws -> Bool) throws -> Bool {
    let deadline = Date() + seconds
    while Date() < deadline {
        if try condition() { return true }
        usleep(100_000)
    }
    return try condition()
}

/// `waitUntil` for async tests: sleeps as a task, so a long wait holds none of the few threads
/// that every test running beside it needs.
public func waitFor(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try condition()
}

/// SplitMix64: small and seedable, so a failing randomised test can be replayed from its seed.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
