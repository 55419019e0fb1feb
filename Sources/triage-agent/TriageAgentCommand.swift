import ArgumentParser
import TriageSSH

@main
struct TriageAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage-agent",
        abstract: "Runs checks on Linux machines over SSH or locally and turns them into a diagnosis.",
        version: "triage-agent 0.1.0 (libssh2 \(SSHLibrary.version))",
        subcommands: [DiagnoseCommand.self, RunCommand.self, CollectCommand.self, SweepCommand.self, ExecCommand.self, PluginsCommand.self]
    )
}
