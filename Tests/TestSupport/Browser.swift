import Foundation

/// Headless Chromium driven through chromedriver's WebDriver protocol: a real browser that
/// loads pages, types, clicks and takes screenshots. With `javaScript: false` the profile
/// refuses every page script, so a flow that works proves the pages need none.
public final class Browser: @unchecked Sendable {
    public struct Element: Sendable {
        let id: String
    }

    private let driver: ChildProcess
    private let session: String
    private let endpoint: String

    public init(_ folder: TempFolder, javaScript: Bool = false, width: Int = 1400, height: Int = 900) async throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestSupportError("\(tool) is missing: apt-get install chromium chromium-driver (Deploy/setup.sh installs them)")
        }
        let port = try TestSSHD.freePort()
        driver = try ChildProcess(
            "/usr/bin/chromedriver", ["--port=\(port)"], stdout: folder.path + "/chromedriver.out",
            stderr: folder.path + "/chromedriver.err", ownGroup: true)
        endpoint = "http://127.0.0.1:\(port)"
        let deadline = Date() + 20
        var problem = "no answer"
        while true {
            do {
                if (try await Self.call(endpoint, "GET", "/status") as? [String: Any])?["ready"] as? Bool == true { break }
            } catch {
                problem = "\(error)"
            }
            guard Date() < deadline, driver.isRunning else {
                throw TestSupportError("chromedriver did not start on port \(port): \(problem)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        var options: [String: Any] = [
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
                "--user-data-dir=\(folder.path)/chromium-profile",
            ],
        ]
        if !javaScript { options["prefs"] = ["profile.managed_default_content_settings.javascript": 2] }
        // Headless windows are at least 500 px wide: a phone's width is emulated.
        if width < 500 { options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 2]] }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]]
        guard let id = (try await Self.call(endpoint, "POST", "/session", capabilities) as? [String: Any])?["sessionId"] as? String else {
            driver.terminate()
            throw TestSupportError("chromedriver made no session")
        }
        session = "/session/\(id)"
    }

    deinit { driver.terminate() }

    /// Ends the browser and the driver.
    public func quit() async {
        _ = try? await Self.call(endpoint, "DELETE", session)
        driver.terminate()
    }

    public func go(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    public var url: String { get async throws { try await command("GET", "/url") as? String ?? "" } }

    public var title: String { get async throws { try await command("GET", "/title") as? String ?? "" } }

    /// The DOM as the browser has it now.
    public var source: String { get async throws { try await command("GET", "/source") as? String ?? "" } }

    /// The first element matching a CSS selector, waiting up to 10 s for it (a click's navigation
    /// may still be under way); the error names the selector and the page.
    public func find(_ selector: String) async throws -> Element {
        let deadline = Date() + 10
        while true {
            if let element = try await findAll(selector).first { return element }
            guard Date() < deadline else {
                throw TestSupportError("no element matches \(selector) on \(try await url) (\(try await title))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The current URL once it satisfies `condition`, waiting up to 10 s; else the last one seen.
    public func url(where condition: (String) -> Bool) async throws -> String {
        let deadline = Date() + 10
        while true {
            let current = try await url
            if condition(current) || Date() >= deadline { return current }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    public func findAll(_ selector: String) async throws -> [Element] {
        let found = try await command("POST", "/elements", ["using": "css selector", "value": selector]) as? [[String: Any]] ?? []
        return found.compactMap { ($0["element-6066-11e4-a52e-4f735466cecf"] as? String).map(Element.init) }
    }

    /// The rendered text of the first match of `selector`.
    public func text(_ selector: String) async throws -> String { try await fresh { try await self.text(try await self.find(selector)) } }

    /// Types into the first match of `selector`.
    public func type(_ selector: String, _ text: String) async throws {
        try await fresh { try await self.type(try await self.find(selector), text) }
    }

    /// `body` again (up to five times) when the element it found was replaced before it was used:
    /// a live page swaps its parts when something changes.
    private func fresh<T>(_ body: () async throws -> T) async throws -> T {
        for _ in 0..<4 {
            do {
                return try await body()
            } catch let error as TestSupportError where error.description.contains("stale element") {
                continue
            }
        }
        return try await body()
    }

    public func text(_ element: Element) async throws -> String {
        try await command("GET", "/element/\(element.id)/text") as? String ?? ""
    }

    public func attribute(_ element: Element, _ name: String) async throws -> String? {
        try await command("GET", "/element/\(element.id)/attribute/\(name)") as? String
    }

    /// A computed style, as the browser resolved the stylesheet (`rgba(…)` for colours).
    public func css(_ element: Element, _ property: String) async throws -> String {
        try await command("GET", "/element/\(element.id)/css/\(property)") as? String ?? ""
    }

    public func type(_ element: Element, _ text: String) async throws {
        _ = try await command("POST", "/element/\(element.id)/value", ["text": text])
    }

    public func click(_ element: Element) async throws {
        _ = try await command("POST", "/element/\(element.id)/click", [:])
    }

    public func click(_ selector: String) async throws { try await fresh { try await self.click(try await self.find(selector)) } }

    /// The browser's cookies for the current page: name → (httpOnly, sameSite).
    public var cookies: [String: (httpOnly: Bool, sameSite: String)] {
        get async throws {
            let list = try await command("GET", "/cookie") as? [[String: Any]] ?? []
            return Dictionary(
                list.compactMap { cookie in
                    (cookie["name"] as? String).map { ($0, (cookie["httpOnly"] as? Bool ?? false, cookie["sameSite"] as? String ?? "")) }
                }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Presses keys on the keyboard, as a person would, wherever the focus is (WebDriver actions):
    /// `Browser.tab`, `Browser.enter`, `Browser.space` or text.
    public func press(_ keys: String) async throws {
        let actions = keys.unicodeScalars.flatMap { key in
            [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
        }
        _ = try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    public static let tab = "\u{E004}", enter = "\u{E007}", space = "\u{E00D}", control = "\u{E009}"

    /// Presses `key` while `modifier` is held (Browser.control and Browser.enter: Ctrl+Enter).
    public func chord(_ modifier: String, _ key: String) async throws {
        let actions = [
            ["type": "keyDown", "value": modifier], ["type": "keyDown", "value": key], ["type": "keyUp", "value": key],
            ["type": "keyUp", "value": modifier],
        ]
        _ = try await command("POST", "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// The id of the element that has the focus ("" for none or one without an id).
    public var focused: String {
        get async throws { try await execute("return document.activeElement ? document.activeElement.id : '';") as? String ?? "" }
    }

    /// Runs a script in the page; what it returned.
    @discardableResult
    public func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// Polls `condition` every 100 ms for up to `seconds`; true once it holds.
    public func waitUntil(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Runs a script in the page and waits for it to call its last argument back (WebDriver's
    /// "execute async"); the value it passed.
    public func executeAsync(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/async", ["script": script, "args": arguments])
    }

    /// axe-core's serious and critical violations on the current page, one line each
    /// (rule: the elements), after injecting `axe` (the text of axe.min.js). Needs JavaScript on.
    public func accessibilityProblems(axe: String) async throws -> [String] {
        _ = try await command("POST", "/timeouts", ["script": 60_000])
        let script =
            axe + """
                ;const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(result => done(result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))),
                    error => done(['axe failed: ' + error]));
                """
        return try await executeAsync(script) as? [String] ?? ["axe returned nothing"]
    }

    /// A PNG of the window, written to `path`; returns its size in bytes.
    @discardableResult
    public func screenshot(to path: String) async throws -> Int {
        guard let base64 = try await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw TestSupportError("the screenshot was not base64 PNG")
        }
        try data.write(to: URL(fileURLWithPath: path))
        return data.count
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await Self.call(endpoint, method, session + path, body)
    }

    /// One WebDriver call: the `value` of its answer, or the driver's error as a thrown message.
    /// Through curl: FoundationNetworking's URLSession fails on chromedriver's answers ("Failed writing header").
    private static func call(_ endpoint: String, _ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        var arguments = ["-s", "--max-time", "90", "-X", method, endpoint + path, "-w", "\n%{http_code}"]
        var input: String?
        if let body {
            // On stdin: a script such as axe-core is larger than an argument may be.
            input = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
        }
        let output = try Shell.run("/usr/bin/curl", arguments, input: input)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let json = (try? JSONSerialization.jsonObject(with: Data(lines.dropLast().joined(separator: "\n").utf8))) as? [String: Any] ?? [:]
        if status == 0 || status >= 400 {
            let error = json["value"] as? [String: Any]
            throw TestSupportError(
                "WebDriver \(method) \(path): \(error?["error"] ?? "HTTP \(status)") \(error?["message"] ?? output.stderr)")
        }
        return json["value"]
    }
}
