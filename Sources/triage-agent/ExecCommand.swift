import ArgumentParser
import Foundation
import TriageAgent
import TriageSSH

struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command on a host over SSH and exit with its status.",
        discussion: """
            HOST is [user@]host[:port] or a Host alias from ~/.ssh/config. The host key must be in \
            known_hosts unless --accept-new is given. Exits with the remote status, 128+N when \
            signal N killed the command, and 255 when the connection failed or the command timed out.
            Example: triage-agent exec web1 --stdin-file check.sh -- sh -s
            """
    )

    @Argument(help: "[user@]host[:port] or an ssh config alias.")
    var host: String

    @Argument(parsing: .postTerminator, help: "The remote command (after --).")
    var command: [String] = []

    @Option(name: [.customShort("i"), .long], help: "Private key file (ed25519 or ECDSA); repeatable, tried before the config's.")
    var identity: [String] = []

    @Option(name: .long, help: "known_hosts file to check and record host keys in (default: ~/.ssh/known_hosts).")
    var knownHosts: String?

    @Flag(name: .long, help: "Trust an unknown host's key on first use and record it (a changed key is still refused).")
    var acceptNew = false

    @Option(name: .long, help: "Seconds allowed for each phase: connect, handshake + auth, and the command.")
    var timeout: Double?

    @Option(name: .long, help: "Send this file to the command's stdin ('-' for this program's stdin).")
    var stdinFile: String?

    @Option(name: [.customShort("F"), .long], help: "ssh config file to read instead of ~/.ssh/config and /etc/ssh/ssh_config.")
    var sshConfig: String?

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the remote command after --, e.g. triage-agent exec web1 -- uptime") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        var exec = RemoteExec(target: host, command: command)
        do {
            exec.resolve = SSHResolveOptions(
                config: try sshConfig.map { path throws(SSHError) in try SSHConfig(contentsOf: path) } ?? SSHConfig.standard(),
                identityFiles: identity, knownHostsFile: knownHosts, acceptNew: acceptNew,
                connectTimeout: timeout.map { .seconds(fractional: $0) })
        } catch {
            FileHandle.standardError.write(Data("triage-agent: \(error)\n".utf8))
            throw ExitCode(RemoteExec.connectionFailure)
        }
        if let timeout { exec.timeouts = .all(.seconds(fractional: timeout)) }
        exec.credentials = PassphraseSource.credentials()
        if let stdinFile {
            let data = stdinFile == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: stdinFile)
            guard let data else { throw ValidationError("cannot read --stdin-file \(stdinFile)") }
            exec.stdin = [UInt8](data)
        }
        exec.stdoutSink = { chunk in
            var offset = 0
            while offset < chunk.count {
                let n = write(STDOUT_FILENO, chunk.baseAddress! + offset, chunk.count - offset)
                if n <= 0 { return }  // stdout closed (e.g. piped into head): drop the rest
                offset += n
            }
        }
        let outcome = exec.run()
        FileHandle.standardError.write(Data(outcome.stderr))
        for notice in outcome.notices { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
