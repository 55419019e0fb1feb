import Foundation

/// Runs the real OpenSSH tools the tests compare against.
public enum Shell {
    public struct Output {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs a program to completion, `input` as its stdin, its output captured through files.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        input: String? = nil
    ) throws -> Output {
        let folder = try TempFolder()
        let outPath = folder.path + "/stdout"
        let errPath = folder.path + "/stderr"
        let inPath = folder.path + "/stdin"
        if let input { try input.write(toFile: inPath, atomically: true, encoding: .utf8) }
        let child = try ChildProcess(
            executable, arguments, environment: environment, stdin: input == nil ? nil : inPath,
            stdout: outPath, stderr: errPath)
        let status = child.wait()
        return Output(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// `ssh-keygen -t TYPE -N PASSPHRASE -f FILE`.
    public static func keygen(type: String, file: String, passphrase: String = "", comment: String = "triage-test") throws {
        var arguments = ["-q", "-t", type, "-N", passphrase, "-C", comment, "-f", file]
        if type == "rsa" { arguments += ["-b", "2048"] }
        let result = try run("/usr/bin/ssh-keygen", arguments)
        guard result.status == 0 else { throw TestSupportError("ssh-keygen failed: \(result.stderr)") }
    }

    /// The SHA256 fingerprint ssh-keygen prints for a public key file.
    public static func fingerprint(_ publicKeyFile: String) throws -> String {
        let result = try run("/usr/bin/ssh-keygen", ["-lf", publicKeyFile])
        return String(result.stdout.split(separator: " ")[1])
    }
}
