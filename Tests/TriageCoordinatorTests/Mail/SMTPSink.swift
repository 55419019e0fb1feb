import Foundation
import TestSupport

/// The aiosmtpd sink (Tests/Mail/smtp_sink.py) on a free loopback port, stopped by its PID.
final class SMTPSink: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Mail/smtp_sink.py").path
    /// The venv Deploy/setup.sh makes with aiosmtpd; else whatever python3 is on PATH.
    static let python: [String] = {
        let venv = URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/mail-venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? [venv] : ["/usr/bin/env", "python3"]
    }()

    /// The .json the sink writes beside each message.
    struct Envelope: Decodable {
        let mailFrom: String
        let rcptTos: [String]
        let messageId: String?
        let tls: Bool
        let authUser: String?
    }

    let folder: TempFolder
    let inbox: String
    let port: Int
    private let process: ChildProcess

    /// Starts the sink with `options` (see the script); python3 (from PATH) must have aiosmtpd.
    init(_ options: [String] = []) async throws {
        folder = try TempFolder()
        inbox = folder.path + "/inbox"
        (port, process) = try await Self.startHelper(
            Self.script, ["--dir", inbox] + options, in: folder, what: "the SMTP sink (python3 with aiosmtpd)")
    }

    /// Starts one of the tests' Python helpers on a free loopback port (`--port`), from the venv
    /// Deploy/setup.sh makes, and waits until it prints "ready"; three tries, as a port can be taken meanwhile.
    static func startHelper(_ script: String, _ arguments: [String], in folder: TempFolder, what: String) async throws -> (
        Int, ChildProcess
    ) {
        var lastError = ""
        for attempt in 1...3 {
            let port = try TestSSHD.freePort()
            let name = URL(fileURLWithPath: script).deletingPathExtension().lastPathComponent
            let (out, err) = (folder.path + "/\(name)\(attempt).out", folder.path + "/\(name)\(attempt).err")
            let process = try ChildProcess(
                python[0], Array(python.dropFirst()) + [script, "--port", "\(port)"] + arguments, stdout: out, stderr: err)
            let ready = try await waitFor(seconds: 15) {
                !process.isRunning || ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("ready")
            }
            if ready && process.isRunning { return (port, process) }
            process.terminate()
            lastError = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        }
        throw TestSupportError("\(what) did not start: \(lastError)")
    }

    deinit { process.terminate() }

    /// SIGTERM; the exit status.
    func stop() -> Int32 {
        process.terminate()
        return process.wait()
    }

    /// How many messages it kept.
    var count: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.count
    }

    /// Message `number` (from 1): its bytes as received and its envelope.
    func message(_ number: Int) throws -> (content: [UInt8], envelope: Envelope) {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let envelope = try decoder.decode(Envelope.self, from: try Data(contentsOf: URL(fileURLWithPath: "\(inbox)/\(number).json")))
        return (Array(try Data(contentsOf: URL(fileURLWithPath: "\(inbox)/\(number).eml"))), envelope)
    }
}
