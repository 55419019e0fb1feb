import Foundation
import TestSupport
import Testing

/// Live pages against a real `triage serve`: the event stream a browser holds open, what it
/// carries, how it ends (a session that ends, a server that stops), and the one script. The waits
/// are generous because this suite runs beside others on a busy machine; how soon a change shows
/// on a page is measured inside the page (WorkdayBrowserTests).
@Suite struct LiveUpdatesTests {
    @Test func theStreamCarriesEachTicketChangeAndEndsWithTheSessionOrTheServer() throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        try serve.createUser("ada", role: "dispatcher", password: "ada watches the queues")
        let jar = folder.path + "/jar"
        #expect(try serve.signIn("ada", password: "ada watches the queues", jar: jar) == 303)

        let anonymous = try TriageServe.curl(["-o", "/dev/null", serve.url + "/board/live"])
        #expect(anonymous.stdout.hasSuffix("303"), "no session: to the login form, not a stream")

        let stream = try EventStream(serve.url + "/board/live", jar: jar, folder: folder)
        #expect(stream.waitFor(": live", seconds: 15), "\(stream.text)")
        #expect(stream.head.lowercased().contains("content-type: text/event-stream"), "\(stream.head)")
        let created = try serve.request("POST", "/api/v1/tickets", #"{"title": "printer on fire", "severity": 2}"#)
        #expect(created.status == 201)
        #expect(stream.waitFor("event: change\ndata: {\"tickets\": [1]}", seconds: 15), "\(stream.text)")
        _ = try serve.request("POST", "/api/v1/tickets/1/comments", #"{"body": "on my way", "visibility": "internal"}"#)
        #expect(stream.waitUntil(seconds: 15) { $0.components(separatedBy: #"data: {"tickets": [1]}"#).count == 3 }, "\(stream.text)")
        let lastId = try #require(stream.text.matches(of: /id: (\d+)\n/).last.map { Int($0.1)! })

        // A browser that reconnects after missing events hears at once that it should read its page again.
        let behind = try EventStream(serve.url + "/board/live", jar: jar, headers: ["Last-Event-ID: \(lastId - 1)"], folder: folder)
        #expect(behind.waitFor(#"{"tickets": null}"#, seconds: 10), "\(behind.text)")
        let current = try EventStream(serve.url + "/board/live", jar: jar, headers: ["Last-Event-ID: \(lastId)"], folder: folder)
        #expect(current.waitFor(": live", seconds: 10))
        usleep(1_500_000)
        #expect(!current.text.contains("event: change"), "nothing was missed: \(current.text) after \(stream.text)")

        // Disabling the person ends their streams at the next heartbeat (every 10 s).
        let disabled = try Shell.run(builtProduct("triage"), ["user", "disable", "ada", "--data", serve.data])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(stream.ends(within: 25) && stream.text.hasSuffix("event: ended\ndata: {}\n\n"), "\(stream.text)")

        // A server that stops does not wait for open streams.
        try serve.createUser("bo", role: "admin", password: "bo fixes printers")
        #expect(try serve.signIn("bo", password: "bo fixes printers", jar: jar) == 303)
        let open = try EventStream(serve.url + "/board/live", jar: jar, folder: folder)
        #expect(open.waitFor(": live", seconds: 15))
        let stopping = Date()
        kill(serve.process.pid, SIGTERM)
        #expect(serve.process.wait() == 0)
        #expect(Date().timeIntervalSince(stopping) < 10)
        #expect(open.ends(within: 5))
    }

    /// Every script is a file of the board's own: live.js on live pages, keys.js and compose.js on every signed-in one.
    static func scripts(_ page: String) -> [String] {
        page.components(separatedBy: "<script").dropFirst().map { $0.prefix { $0 != ">" } }.map(String.init)
    }

    @Test func livePagesLoadTheirScriptsFromTheServerAndNoInlineScript() throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        try serve.createUser("ada", role: "admin", password: "ada watches the queues")
        let jar = folder.path + "/jar"
        try serve.signIn("ada", password: "ada watches the queues", jar: jar)
        _ = try serve.request("POST", "/api/v1/tickets", #"{"title": "printer on fire"}"#)
        let expected: [(String, String)] = [("/board", "all"), ("/board/queues?severity=3", "all"), ("/board/tickets/1", "1")]
        for (path, scope) in expected {
            let page = try TriageServe.curl(["-i", "-b", jar, serve.url + path]).stdout.lowercased()
            #expect(page.contains(#"<script src="/board/static/live.js" defer></script>"#), "\(path)")
            #expect(page.contains(#"data-live="\#(scope)""#), "\(path)")
            #expect(
                Self.scripts(page) == [
                    #" src="/board/static/live.js" defer"#, #" src="/board/static/keys.js" defer"#,
                    #" src="/board/static/compose.js" defer"#,
                ], "\(path): the board's own scripts, each with a src")
            let policy = page.firstMatch(of: /content-security-policy: ([^\r\n]+)/)?.1 ?? ""
            #expect(
                policy.contains("script-src 'self'") && policy.contains("connect-src 'self'") && !policy.contains("unsafe-inline'; script"),
                "\(path): \(policy)")
        }
        let queue = try TriageServe.curl(["-b", jar, serve.url + "/board/queues?severity=3"]).stdout
        #expect(queue.contains(#"data-live-url="/board/queues?severity=3""#), "the queue reads itself again with its filters")
        // A page with nothing live still loads live.js, for the bell's count; it is no live page.
        let account = try TriageServe.curl(["-b", jar, serve.url + "/board/account"]).stdout
        #expect(Self.scripts(account).first == #" src="/board/static/live.js" defer"#)
        #expect(!account.contains("data-live=") && account.contains(#"id="bell-count""#))
        let script = try TriageServe.curl(["-i", serve.url + "/board/static/live.js"]).stdout
        #expect(script.lowercased().contains("content-type: text/javascript") && script.contains("new EventSource(\"/board/live\")"))
    }
}
