// The ingest benchmark's limit (Benchmarks/ingest/): a bare Hummingbird endpoint that decodes
// the same DiagnosticReport JSON the coordinator's POST /api/v1/reports takes, answers 201 with
// the report's id as the coordinator does, and keeps nothing — no auth, no store, no rules.
// usage: ingest-limit PORT
import Foundation
import Hummingbird
import TriageModel

struct Accepted: ResponseEncodable {
    let reportId: UUID
    let accepted: Bool
}

let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 18091
let router = Router()
router.post("/api/v1/reports") { request, _ -> EditedResponse<Accepted> in
    let buffer = try await request.body.collect(upTo: 1 << 20)
    let report = try DiagnosticReport.decoder.decode(DiagnosticReport.self, from: Data(buffer: buffer))
    return EditedResponse(status: .created, response: Accepted(reportId: report.id, accepted: true))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
print("ingest-limit listening on 127.0.0.1:\(port)")
try await app.runService()
