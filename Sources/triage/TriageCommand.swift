import ArgumentParser
import Foundation
import TriageCoordinator
import TriageDomain
import TriageStorage

@main
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "The Triage coordinator: tickets, technicians, SLA clocks, assignment and dispatch.",
        version: "triage 0.1.0",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, UserCommand.self, TokenCommand.self, JobCommand.self, BackupCommand.self,
            RestoreCommand.self,
            MailgateCommand.self,
        ]
    )

    /// Whatever triage writes is its user's alone (docs/operations.md, "Files and secrets").
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
