import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A push agent talking to an https coordinator as one is deployed — a real nginx terminating TLS
/// in front of a real `triage serve` — with the coordinator's authority in `ca_file`: its report
/// arrives, and a "Diagnose now" job reaches it through its long poll and is attached. Without the
/// authority, the agent says why in words and keeps its report in the spool.
@Suite struct AgentHTTPSTests {
    @Test func aPushAgentReportsAndTakesJobsOverHTTPSWithItsCAFile() async throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        _ = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#)
        _ = try serve.request("POST", "/api/v1/sites", #"{"customerId": 1, "name": "HQ"}"#)
        let host = try serve.request("POST", "/api/v1/hosts", #"{"siteId": 1, "name": "lab1"}"#).json["id"] as? Int ?? 0
        let token = try IdleAgentTests.Coordinator.token(["--role", "agent", "--name", "lab1-agent", "--host", "lab1"], data: serve.data)
        let certificates = try TestCertificates(in: folder, names: "IP:127.0.0.1")
        let frontend = try TLSFrontend(in: folder, certificates: certificates, upstream: serve.port)

        func agent(_ name: String, caFile: String?) throws -> ChildProcess {
            try """
            coordinator: https://127.0.0.1:\(frontend.port)
            token: \(token)
            host: lab1
            interval: 3600
            jitter: 0
            checks: [disk]
            plugins: [\(DiagnoseCommandTests.plugins)]
            spool: { path: \(folder.path)/spool-\(name) }
            \(caFile.map { "ca_file: \($0)" } ?? "")
            """.write(toFile: folder.path + "/\(name).yaml", atomically: true, encoding: .utf8)
            return try ChildProcess(
                RemoteExecTests.binary, ["run", "--config", folder.path + "/\(name).yaml"], stderr: folder.path + "/\(name).log")
        }
        func log(_ name: String) -> String { (try? String(contentsOfFile: folder.path + "/\(name).log", encoding: .utf8)) ?? "" }
        func reports() throws -> Int { (try serve.request("GET", "/api/v1/hosts/\(host)/reports").json["items"] as? [Any])?.count ?? 0 }

        // Without the authority: refused in words, the report kept.
        let untrusting = try agent("untrusting", caFile: nil)
        let refused = try await waitFor(seconds: 20) { log("untrusting").contains("is not trusted") }
        #expect(refused, "\(log("untrusting"))")
        #expect(log("untrusting").contains("the certificate of 127.0.0.1 is not trusted: unable to get local issuer certificate"))
        #expect(try reports() == 0)
        untrusting.terminate()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/spool-untrusting").contains { $0.hasSuffix(".json") })

        // With it: the report arrives and the long poll waits at the coordinator, through nginx.
        let trusting = try agent("trusting", caFile: certificates.ca)
        defer { trusting.terminate() }
        let reported = try await waitFor(seconds: 20) { try reports() == 1 }
        #expect(reported, "\(log("trusting"))")
        let ticket = try serve.request("POST", "/api/v1/tickets", #"{"title": "lab1 is slow", "hostId": \#(host)}"#).json["id"] as? Int ?? 0
        try await Task.sleep(for: .milliseconds(500))  // the agent's long poll is open by now
        let queued = try serve.request("POST", "/api/v1/tickets/\(ticket)/diagnoses", "{}")
        let job = try #require(queued.json["id"] as? Int, "\(queued)")
        var state = ""
        let attached = try await waitFor(seconds: 20) {
            state = try serve.request("GET", "/api/v1/jobs/\(job)").json["state"] as? String ?? ""
            return state == "attached"
        }
        #expect(attached, "job \(job) is \(state): \(log("trusting"))")
        #expect(log("trusting").contains("job \(job) (ticket \(ticket), lab1, lease 1): "), "\(log("trusting"))")
    }
}
