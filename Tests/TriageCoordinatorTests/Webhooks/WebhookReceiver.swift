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
        var lastError = ""
        for attempt in 1...3 {
            let port = try TestSSHD.freePort()
            let (out, err) = (folder.path + "/receiver\(attempt).out", folder.path + "/receiver\(attempt).err")
            let process = try ChildProcess(
                SMTPSink.python[0],
                Array(SMTPSink.python.dropFirst()) + [Self.script, "--port", "\(port)", "--dir", folder.path]
                    + secrets.flatMap { ["--secret", $0] } + options,
                stdout: out, stderr: err)
            let ready = try await waitFor(seconds: 15) {
                !process.isRunning || ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("ready")
            }
            if ready && process.isRunning {
                (self.port, self.process) = (port, process)
                return
            }
            process.terminate()
            lastError = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        }
        throw TestSupportError("the webhook receiver did not start (python3 with standardwebhooks): \(lastError)")
    }

    deinit { process.terminate() }

    func stop() { process.terminate() }

    /// Every request so far, in order.
    var requests: [Request] {
        let text = (try? String(contentsOfFile: folder.path + "/log.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
