import ArgumentParser
import TriageAgent

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where reports go: the coordinator's URL and an API token.
struct CoordinatorOptions: ParsableArguments {
    @Option(name: .customLong("coordinator"), help: "Coordinator URL, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(name: .long, help: "API token (default: the TRIAGE_TOKEN environment variable, which ps does not show).")
    var token: String?

    @Option(
        name: .customLong("ca-file"), help: "PEM certificate authorities to trust for an https coordinator instead of the system's store.")
    var caFile: String?

    func client() throws -> CoordinatorClient {
        guard let url else { throw ValidationError("give --coordinator URL") }
        guard let token = token ?? ProcessInfo.processInfo.environment["TRIAGE_TOKEN"], !token.isEmpty else {
            throw ValidationError("give --token or set TRIAGE_TOKEN")
        }
        return try CoordinatorClient(url: url, token: token, caFile: caFile)
    }
}
