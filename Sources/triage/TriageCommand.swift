import ArgumentParser
import TriageCoordinator

@main
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "The Triage coordinator: tickets, technicians, SLA clocks, assignment and dispatch.",
        version: "triage 0.1.0",
        subcommands: [ServeCommand.self, MigrateCommand.self, UserCommand.self, TokenCommand.self, JobCommand.self, BackupCommand.self, RestoreCommand.self]
    )
}
