import Foundation
import TestSupport
import Testing

/// `triage serve` waiting for work costs next to nothing: its SLA scheduler, and with mail on its
/// outbox sender looking every `outboxSeconds`, are timers, not spinning loops. CPU from /proc,
/// over more than ten seconds; a spinning loop shows hundreds of ms per second, the bound is 50.
@Suite struct IdleServeTests {
    static let bound = 50.0

    @Test func aServeWithMailOnIsIdleWhileNothingHappens() async throws {
        let folder = try TempFolder()
        let config = folder.path + "/triage.yaml"
        try """
        slaCheckSeconds: 1
        mail: {address: support@triage.test, delivery: sendmail, sendmail: \(folder.path)/no-sendmail, outboxSeconds: 1}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try TriageServe(folder, ["--config", config])
        defer { serve.process.terminate() }
        #expect(try serve.request("GET", "/api/v1/tickets").status == 200)
        try await Task.sleep(for: .seconds(2))
        let used = try await processCPU(of: serve.process.pid, over: 12)
        #expect(used < Self.bound, "triage serve used \(used) ms of CPU per second while idle")
        #expect(serve.process.isRunning)
    }
}
