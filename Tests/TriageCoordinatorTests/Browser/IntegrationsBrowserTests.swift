import Foundation
import TestSupport
import Testing

@testable import TriageCoordinator

/// An admin wires Triage to other tools in Chromium (JavaScript on), with the forms as the pages
/// render them, against a real `triage serve`: adds a webhook and gives its secret to a receiver
/// that verifies with the Standard Webhooks library, points the webhook at it, sends a test event
/// and reads the delivery log, rotates the secret; then maps a host Alertmanager named that
/// Triage did not know.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct IntegrationsBrowserTests {
    static let ada = (login: "ada", password: "ada keeps a long secret")

    @Test func anAdminAddsAWebhookTestsItRotatesItsSecretAndMapsAnAlertsHost() async throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        try serve.createUser(Self.ada.login, role: "admin", password: Self.ada.password)
        let base = serve.url
        let browser = try await Browser(try TempFolder(), javaScript: true)
        var receiver: WebhookReceiver?
        do {
            try await WorkdayBrowserTests.signIn(browser, base, Self.ada.login, Self.ada.password)
            _ = try await browser.url { $0.hasSuffix("/board") }
            try await browser.click("#webhooks-link")
            _ = try await browser.url { $0.hasSuffix("/board/webhooks") }
            try await browser.type("#webhook-url", "http://127.0.0.1:9/nothing-yet")
            try await browser.type("#webhook-description", "team chat")
            try await browser.click("#add-webhook")
            let secret = try await browser.text("#secret-value")
            #expect(secret.hasPrefix("whsec_"))
            let hook = try await WebhookReceiver(secrets: [secret])
            receiver = hook
            try await browser.execute("document.getElementById('webhook-url').value = ''")
            try await browser.type("#webhook-url", hook.url)
            try await browser.click("#save-webhook")
            _ = try await browser.url { $0.contains("saved=1") }
            try await browser.click("#send-test")
            _ = try await browser.url { $0.contains("tested=1") }
            #expect(try await waitFor(seconds: 20) { hook.requests.contains { $0.status == 200 && $0.type == "webhook.test" } })
            try await browser.go(base + "/board/webhooks/1")
            let log = try await browser.text("#delivery-log")
            #expect(log.contains("webhook.test") && log.contains("delivered") && log.contains("200"), "\(log)")

            // A new secret: shown once, and both sign until the old one is retired.
            try await browser.click("#rotate-secret")
            let rotated = try await browser.text("#secret-value")
            #expect(rotated.hasPrefix("whsec_") && rotated != secret)
            try await browser.click("#retire-secret")
            _ = try await browser.url { $0.contains("retired=1") }
            #expect(!(try await browser.text("#webhook-secrets")).contains(String(secret.prefix(10))))

            // Alertmanager names a host Triage does not know; the admin maps it from the page.
            let made = try Shell.run(
                builtProduct("triage"), ["token", "create", "--role", "alertmanager", "--name", "prom", "--data", serve.data])
            let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let alert =
                #"{"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "NodeDown", "instance": "db-old:9100"}, "fingerprint": "f1"}]}"#
            #expect(try serve.request("POST", "/api/v1/alertmanager", alert, token: token).json["unknownHosts"] as? [String] == ["db-old"])
            let customer = try serve.request("POST", "/api/v1/customers", #"{"name": "Acme"}"#).json["id"] as? Int ?? 0
            let site = try serve.request("POST", "/api/v1/sites", #"{"customerId": \#(customer), "name": "HQ"}"#).json["id"] as? Int ?? 0
            _ = try serve.request("POST", "/api/v1/hosts", #"{"siteId": \#(site), "name": "db9"}"#)
            try await browser.click("#alerts-link")
            #expect(try await browser.text("#unknown-hosts").contains("db-old"))
            try await browser.type("#map-host-0", "db9")
            try await browser.click("#map-0")
            #expect(try await browser.text("#notice").contains("Alerts naming db-old now go to that host."))
            _ = try await browser.find("#no-unknown-hosts")
            let again = alert.replacingOccurrences(of: "f1", with: "f2")
            let landed = try serve.request("POST", "/api/v1/alertmanager", again, token: token)
            #expect(((landed.json["hosts"] as? [[String: Any]])?.first?["opened"] as? [Int])?.count == 1)
        } catch {
            _ = try? await browser.screenshot(to: BoardBrowserTests.artifacts + "/integrations-failure.png")
            await browser.quit()
            receiver?.stop()
            throw error
        }
        await browser.quit()
        receiver?.stop()
    }
}
