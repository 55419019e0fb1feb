import ArgumentParser
import TriageAgent
import TriageChecks
import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Run check plugins on hosts over SSH (or here with --local) and report a diagnosis.",
        discussion: """
            Exits like a Nagios plugin with the worst status: 0 ok, 1 warning, 2 critical, 3 unknown \
            (a host that cannot be reached is unknown). Example:
              triage-agent diagnose web1 --checks disk,services --param disk.space_crit=95%
              triage-agent diagnose web1 --ticket 42 --coordinator https://triage.example.net
            With --ticket the reports are attached to that ticket (token from --token or TRIAGE_TOKEN); \
            a report the coordinator did not take makes the exit status 3.
            """
    )

    @Argument(help: "Hosts: [user@]host[:port], ssh config aliases, or inventory names.")
    var hosts: [String] = []

    @Flag(name: .long, help: "Diagnose this machine instead of hosts over SSH.")
    var local = false

    @Option(name: .long, help: "Output: table, json or nagios.")
    var format: String = "table"

    @Option(name: .long, help: "Attach the reports to this ticket (needs --coordinator).")
    var ticket: Int?

    @OptionGroup var what: DiagnosisOptions
    @OptionGroup var coordinator: CoordinatorOptions
    @OptionGroup var ssh: SSHOptions

    func validate() throws {
        if local && !hosts.isEmpty { throw ValidationError("--local diagnoses this machine: give no hosts with it") }
        if !local && hosts.isEmpty { throw ValidationError("name at least one host, or use --local") }
        if ReportFormat(rawValue: format) == nil { throw ValidationError("--format must be table, json or nagios") }
        if ticket != nil && coordinator.url == nil { throw ValidationError("--ticket needs --coordinator URL") }
    }

    func run() throws {
        var reports: [DiagnosticReport] = []
        do {
            let diagnosis = try what.diagnosis(ssh: local ? nil : ssh)
            if local {
                reports = [try diagnosis.runLocal(host: ProcessInfo.processInfo.hostName)]
            } else {
                for host in hosts { reports.append(try diagnosis.runRemote(host: host)) }
            }
        } catch {
            printError("triage-agent: \(error)")
            throw ExitCode(3)
        }
        let color = format == "table" && isatty(STDOUT_FILENO) != 0
        print(ReportFormatter.render(reports, as: ReportFormat(rawValue: format)!, color: color), terminator: "")
        if let ticket, !attach(reports, to: ticket) { throw ExitCode(3) }
        throw ExitCode(ReportFormatter.exitCode(reports))
    }

    /// Attaches each report, saying so on stderr; false when any was not taken.
    private func attach(_ reports: [DiagnosticReport], to ticket: Int) -> Bool {
        do {
            let client = try coordinator.client()
            var all = true
            for report in reports {
                do {
                    let outcome = try blocking { try await client.attach(report, toTicket: ticket) }
                    printError(
                        "attached the report on \(report.host) to ticket \(ticket)"
                            + (outcome == .alreadyAttached ? " (it was already)" : ""))
                } catch {
                    printError("triage-agent: the report on \(report.host) is not attached to ticket \(ticket): \(error)")
                    all = false
                }
            }
            return all
        } catch {
            printError("triage-agent: \(error)")
            return false
        }
    }
}
