import Foundation
import Logging
import TriageCoordinator
import TriageDomain
import TriageStorage

/// What the benchmark executables share: `--name N` options, a fresh store, elapsed time, percentiles.
public enum Bench {
    /// A migrated SQLite store in a new temp folder named after `name`; remove the folder when done.
    public static func freshStore(_ name: String) async throws -> (store: SQLiteStore, folder: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("triage-\(name)-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await SQLiteStore.open(path: folder + "/triage.db", logger: logger)
        try await store.migrate()
        return (store, folder)
    }

    /// The integer after `name` on the command line, or `fallback`.
    public static func option(_ name: String, _ fallback: Int) -> Int {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let number = Int(arguments[index + 1]) else {
            return fallback
        }
        return number
    }

    public static func seconds(since begin: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - begin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The `p` quantile (0…1) of ascending `sorted` values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }
}
