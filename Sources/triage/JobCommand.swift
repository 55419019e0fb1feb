import ArgumentParser
import Foundation
import TriageCoordinator
import TriageDomain
import TriageStorage

/// `triage job list|show`: the diagnosis jobs, read from the database on the coordinator's machine.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "List and show diagnosis jobs (\"Diagnose now\").",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Only this ticket's jobs.") var ticket: Int?
        @Option(help: "Only jobs in this state (queued, leased, running, attached, failed, expired); repeat for more.")
        var state: [JobState] = []
        @Option(help: "At most this many (1…200).") var limit = 50

        func validate() throws {
            if !(1...200).contains(limit) { throw ValidationError("--limit must be 1…200") }
        }

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let page = try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    try await $0.jobs.list(ticketId: ticket, states: state, before: nil, limit: limit, by: .console)
                }
                var rows = [["ID", "TICKET", "HOST", "STATE", "LEASE", "RUNNER", "REQUESTED BY", "CREATED", "RESULT"]]
                for job in page.items {
                    rows.append([
                        String(job.id), String(job.ticketId), String(job.hostId), job.state.rawValue, String(job.lease),
                        job.runner.map(String.init(describing:)) ?? "-", job.requestedBy.description,
                        job.createdAt.formatted(.iso8601), job.reportId?.uuidString ?? job.failure ?? "-",
                    ])
                }
                printTable(rows)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one job as JSON (as GET /api/v1/jobs/{id} answers).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The job's id.") var id: Int

        func run() async throws {
            try await reported {
                let configuration = try store.configuration()
                let job = try await store.withCoordinator(configuration, logger: makeLogger(level: "error")) {
                    try await $0.jobs.job(id, by: .console)
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(job), as: UTF8.self))
            }
        }
    }
}

extension JobState: ExpressibleByArgument {}
