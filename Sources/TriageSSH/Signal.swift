/// Signal names as SSH reports them ("KILL", without "SIG") and their Linux numbers.
public enum Signal {
    static let numbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "ABRT": 6, "FPE": 8, "KILL": 9, "USR1": 10,
        "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    ]

    public static func number(_ name: String) -> Int32? { numbers[name] }

    /// The name for a number, or the number itself when it has no common name.
    public static func name(_ number: Int32) -> String {
        numbers.first { $0.value == number }?.key ?? String(number)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down (durations in reports and poll() timeouts).
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
