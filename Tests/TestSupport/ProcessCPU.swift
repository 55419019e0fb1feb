import Foundation

/// CPU (user + system) a process uses per second over `seconds`, from /proc/PID/stat, in ms:
/// how the idle tests of long-running processes measure a waiting process.
public func processCPU(of pid: pid_t, over seconds: Double) async throws -> Double {
    func ticks() throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        return Int(fields[11])! + Int(fields[12])!
    }
    let (before, start) = (try ticks(), ContinuousClock.now)
    try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
    let (after, elapsed) = (try ticks(), ContinuousClock.now - start)
    return Double(after - before) * 10 / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
