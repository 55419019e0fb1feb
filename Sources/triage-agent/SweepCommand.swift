import ArgumentParser
import Dispatch
import TriageAgent
import TriageChecks
import TriageModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Diagnose many hosts over SSH at once, and post the reports to the coordinator.",
        discussion: """
            The hosts are the ones named, else every host of --inventory, else every host the \
            coordinator knows (its address is the SSH target). With --coordinator each report that \
            reached its host is posted (token from --token or TRIAGE_TOKEN; a technician's token will \
            do) and feeds the coordinator's health tickets. A dead or silent host costs at most \
            --timeout per phase and never holds up the others. Exits with the worst status, like \
            diagnose; 3 when a report was not posted. Examples:
              triage-agent sweep --inventory hosts.yaml --concurrency 32
              triage-agent sweep --coordinator https://triage.example.net --checks disk --format json
            """
    )

    @Argument(help: "Hosts to sweep (default: all of the inventory or of the coordinator).")
    var hosts: [String] = []

    @Option(name: .long, help: "How many hosts at once.")
    var concurrency = 16

    @Option(name: .long, help: "Output: table (a line per host) or json (one JSON report per line).")
    var format = "table"

    @OptionGroup var what: DiagnosisOptions
    @OptionGroup var coordinator: CoordinatorOptions
    @OptionGroup var ssh: SSHOptions

    func validate() throws {
        if !(1...1024).contains(concurrency) { throw ValidationError("--concurrency must be 1…1024") }
        if !["table", "json"].contains(format) { throw ValidationError("--format must be table or json") }
        if hosts.isEmpty && what.inventory == nil && coordinator.url == nil {
            throw ValidationError("name hosts, or give --inventory FILE or --coordinator URL")
        }
    }

    func run() throws {
        var diagnosis: Diagnosis
        var client: CoordinatorClient?
        var registered: [String: Int] = [:]
        var names = hosts
        do {
            diagnosis = try what.diagnosis(ssh: ssh)
            if coordinator.url != nil {
                let known = try coordinator.client()
                let list = try blocking { try await known.hosts() }
                client = known
                registered = Dictionary(list.map { ($0.fields.name, $0.id) }, uniquingKeysWith: { first, _ in first })
                if what.inventory == nil { diagnosis.inventory = Inventory(coordinatorHosts: list) }
            }
            if names.isEmpty { names = diagnosis.inventory.hosts.keys.sorted() }
        } catch {
            printError("triage-agent: \(error)")
            throw ExitCode(3)
        }
        if names.isEmpty {
            printError("triage-agent: no hosts to sweep")
            throw ExitCode(3)
        }
        let output = SweepOutput(total: names.count, json: format == "json")
        // Posting and printing happen off the sweep's event-loop threads, in the order hosts finish:
        // a slow coordinator or a slow reader of stdout never stalls the SSH sessions in flight.
        let reports = DispatchQueue(label: "triage-agent.sweep.reports")
        do {
            try Sweep(diagnosis: diagnosis, concurrency: concurrency).run(names) { [client, registered] _, report in
                reports.async {
                    var posted: Result<ReportReceipt, any Error>?
                    if let client, !report.checks.isEmpty {
                        posted = Result {
                            guard let id = registered[report.host] else {
                                throw DiagnosisError("the coordinator has no host named \(report.host)")
                            }
                            return try blocking { try await client.deliver(report, hostId: id) }
                        }
                    }
                    output.add(report, posted: posted)
                }
            }
        } catch {
            printError("triage-agent: \(error)")
            throw ExitCode(3)
        }
        reports.sync {}
        throw ExitCode(output.finish())
    }
}
