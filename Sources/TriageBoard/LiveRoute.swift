import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import TriageDomain
import TriageEdge

/// Live pages (docs/ARCHITECTURE.md, "Live pages"): `GET /board/live` is a stream of server-sent
/// events, one `change` per batch of ticket changes (`{"tickets": [ids]}`, or `null` for "refresh
/// whatever you show"), `bell` when the batch notified this person, a comment as a heartbeat, and
/// `ended` when the session is over.
/// `live.js` listens and re-reads the page's live parts. A page without JavaScript never opens it.
struct LiveRoutes: BoardController {
    let coordinator: Coordinator
    let live: LiveFeed

    static func addScript(to web: RouterGroup<TriageRequestContext>) {
        web.get("/static/live.js") { _, _ in Pages.script() }
    }

    func add(to signedIn: RouterGroup<TriageRequestContext>) {
        signedIn.get("/live") { request, context in
            let userId = try context.boardSession().user.id
            let secret = request.cookies[BoardSessionMiddleware.cookie]?.value ?? ""
            let last = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) }
            let (batches, continuation) = LiveFeed.stream()
            try await live.listen(continuation, after: last)
            let headers: HTTPFields = [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no", .xContentTypeOptions: "nosniff",
            ]
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "retry: 3000\n: live\n\n"))
                    // A server that is stopping ends the stream, so it does not wait for the browser to leave.
                    try await withGracefulShutdownHandler {
                        for await batch in batches {
                            if batch.ticketIds == [] {
                                // A store that cannot answer now does not end the session: only one that says it is over.
                                let ended: Bool
                                do { ended = try await coordinator.accounts.webSession(secret: secret) == nil } catch { ended = false }
                                if ended {
                                    try await writer.write(ByteBuffer(string: "event: ended\ndata: {}\n\n"))
                                    return
                                }
                                try await writer.write(ByteBuffer(string: ": still here\n\n"))
                            } else {
                                try await writer.write(ByteBuffer(string: Self.event(batch)))
                                if batch.bells?.contains(userId) ?? true {
                                    try await writer.write(ByteBuffer(string: "event: bell\ndata: {}\n\n"))
                                }
                            }
                        }
                    } onGracefulShutdown: {
                        continuation.finish()
                    }
                    try await writer.finish(nil)
                })
        }
    }

    static func event(_ batch: LiveBatch) -> String {
        let tickets = batch.ticketIds.map { "[" + $0.map(String.init).joined(separator: ",") + "]" } ?? "null"
        return "id: \(batch.lastEventId)\nevent: change\ndata: {\"tickets\": \(tickets)}\n\n"
    }
}
