import ArgumentParser
import TriageAgent
import TriageChecks
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

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

    @OptionGroup var ssh: SSHOptions

    @Option(name: .long, help: "Send this file to the command's stdin ('-' for this program's stdin).")
    var stdinFile: String?

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the remote command after --, e.g. triage-agent exec web1 -- uptime") }
    }

    func run() throws {
        var exec = RemoteExec(target: host, command: command)
        do { exec.resolve = try ssh.resolveOptions() } catch {
            printError("triage-agent: \(error)")
            throw ExitCode(RemoteExec.connectionFailure)
        }
        exec.timeouts = ssh.timeouts
        exec.credentials = PassphraseSource.credentials()
        if let stdinFile {
            guard let bytes = stdinFile == "-" ? StandardStreams.readInput() : POSIX.read(stdinFile) else {
                throw ValidationError("cannot read --stdin-file \(stdinFile)")
            }
            exec.stdin = bytes
        }
        // stdout closed (e.g. piped into head): the rest is dropped.
        exec.stdoutSink = { chunk in StandardStreams.write(STDOUT_FILENO, chunk) }
        let outcome = exec.run()
        StandardStreams.write(STDERR_FILENO, outcome.stderr)
        for notice in outcome.notices { printError(notice) }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
