import Foundation
import TestSupport

/// Tests/Webhooks/receiver.py on a free loopback port: verifies with the Standard Webhooks
/// library (PyPI) against the secrets given, answers as told, logs each request; stopped by its PID.
final class WebhookReceiver: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Webhooks/receiver.py").path

    /// One request as the receiver saw it.
    struct Request: Decodable, Equatable {
        let id: String?
        let type: String?
        let verified: Bool
        let status: Int
        /// Which of its secrets verified it (0 = the first given).
        let secret: Int?
    }

    let folder: TempFolder
    let port: Int
    private let process: ChildProcess

    var url: String { "http://127.0.0.1:\(port)/hooks/triage" }

    init(secrets: [String], _ options: [String] = []) async throws {
        folder = try TempFolder()
        (port, process) = try await SMTPSink.startHelper(
            Self.script, ["--dir", folder.path] + secrets.flatMap { ["--secret", $0] } + options, in: folder,
            what: "the webhook receiver (python3 with standardwebhooks)")
    }

    deinit { process.terminate() }

    func stop() { process.terminate() }

    /// Every request so far, in order.
    var requests: [Request] {
        let text = (try? String(contentsOfFile: folder.path + "/log.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
