// The benchmarks' limit: bare Hummingbird endpoints that do only what the protocol needs.
// POST /api/v1/reports (Benchmarks/ingest/) decodes the same DiagnosticReport JSON the
// coordinator takes and answers 201 with the report's id, keeping nothing — no auth, no store,
// no rules. GET /api/v1/agent/jobs?wait=N (Benchmarks/longpoll/) sleeps N seconds and answers 204:
// a long poll that costs only its connection and a suspended task.
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
router.get("/api/v1/agent/jobs") { request, _ -> HTTPResponse.Status in
    let wait = request.uri.queryParameters.get("wait").flatMap { Int($0) } ?? 0
    try await Task.sleep(for: .seconds(min(max(wait, 0), 60)))
    return .noContent
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
print("ingest-limit listening on 127.0.0.1:\(port)")
try await app.runService()
