import ArgumentParser
import Foundation
import TriageAgent
import TriageChecks
import TriageModel

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

    @Option(name: .long, parsing: .singleValue, help: "Plugins to run, comma-separated (default: all).")
    var checks: [String] = []

    @Option(name: .long, help: "Override a plugin parameter: plugin.name=value (repeatable).")
    var param: [String] = []

    @Option(name: .long, help: "Inventory YAML (hosts with address, user, port, params, vendor-managed services).")
    var inventory: String?

    @Option(name: .long, help: "Output: table, json or nagios.")
    var format: String = "table"

    @Option(name: .long, help: "Attach the reports to this ticket (needs --coordinator).")
    var ticket: Int?

    @OptionGroup var coordinator: CoordinatorOptions
    @OptionGroup var plugins: PluginSource
    @OptionGroup var ssh: SSHOptions

    func validate() throws {
        if local && !hosts.isEmpty { throw ValidationError("--local diagnoses this machine: give no hosts with it") }
        if !local && hosts.isEmpty { throw ValidationError("name at least one host, or use --local") }
        if ReportFormat(rawValue: format) == nil { throw ValidationError("--format must be table, json or nagios") }
        for item in param where !item.contains("=") { throw ValidationError("--param \(item): write plugin.name=value") }
        if ticket != nil && coordinator.url == nil { throw ValidationError("--ticket needs --coordinator URL") }
    }

    func run() throws {
        var diagnosis = Diagnosis(catalog: plugins.catalog())
        diagnosis.checks = checks.flatMap { $0.split(separator: ",").map(String.init) }
        for item in param {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            diagnosis.params[parts[0]] = parts[1]
        }
        var reports: [DiagnosticReport] = []
        do {
            if let inventory { diagnosis.inventory = try Inventory.load(file: inventory) }
            if local {
                reports = [try diagnosis.runLocal(host: ProcessInfo.processInfo.hostName)]
            } else {
                diagnosis.resolve = try ssh.resolveOptions()
                diagnosis.timeouts = ssh.timeouts
                diagnosis.credentials = PassphraseSource.credentials()
                diagnosis.notice = { printError($0) }
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
                    let outcome = try client.attach(report, toTicket: ticket)
                    printError("attached the report on \(report.host) to ticket \(ticket)"
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
