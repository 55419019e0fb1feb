/// A point on the monotonic clock that a phase must finish by.
struct Deadline: Sendable {
    let instant: ContinuousClock.Instant
    /// The budget this deadline was made from, for messages ("within 5 s").
    let budget: Duration

    init(after budget: Duration) {
        self.budget = budget
        self.instant = ContinuousClock.now.advanced(by: budget)
    }

    init(at instant: ContinuousClock.Instant, budget: Duration) {
        self.budget = budget
        self.instant = instant
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Milliseconds left, rounded up so that a wait never returns just before the deadline;
    /// 0 once it has passed. Clamped to what poll() takes.
    var remainingMilliseconds: Int32 {
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis)
    }

    var budgetText: String { budget.secondsText }
}

extension Duration {
    /// "5 s", "1.5 s", "0.25 s": how durations read in messages.
    public var secondsText: String {
        let (seconds, attoseconds) = components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        if value == value.rounded() { return "\(Int(value)) s" }
        return "\((value * 1000).rounded() / 1000) s"
    }

    /// Builds a duration from seconds given as a Double (command-line and config values).
    public static func seconds(fractional value: Double) -> Duration {
        .milliseconds(Int64((value * 1000).rounded()))
    }
}
