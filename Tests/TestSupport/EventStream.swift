import Foundation

/// A server-sent event stream read by `curl -N` into a file, as a browser's EventSource would
/// hold it open: the test waits for what it expects to arrive.
public final class EventStream: @unchecked Sendable {
    public let process: ChildProcess
    private let file: String

    /// Opens `url` with the cookies in `jar` and any extra headers.
    public init(_ url: String, jar: String, headers: [String] = [], folder: TempFolder) throws {
        file = folder.path + "/stream-\(UUID().uuidString).txt"
        process = try ChildProcess(
            "/usr/bin/curl",
            ["-s", "-N", "-b", jar, "-D", file + ".head", "-o", file, url]
                + headers.flatMap { ["-H", $0] }, stdout: nil, stderr: nil)
    }

    deinit { process.terminate() }

    /// What arrived so far.
    public var text: String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
    /// The response's headers, once they came.
    public var head: String { (try? String(contentsOfFile: file + ".head", encoding: .utf8)) ?? "" }

    /// Waits up to `seconds` for the stream to contain `expected`; true when it does.
    public func waitFor(_ expected: String, seconds: Double) -> Bool { waitUntil(seconds: seconds) { $0.contains(expected) } }

    /// Waits up to `seconds` for what arrived to satisfy `condition`.
    public func waitUntil(seconds: Double, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if condition(text) { return true }
            usleep(50_000)
        }
        return condition(text)
    }

    /// True when the server ended the stream within `seconds` (curl exited).
    public func ends(within seconds: Double) -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if !process.isRunning { return true }
            usleep(50_000)
        }
        return !process.isRunning
    }
}
