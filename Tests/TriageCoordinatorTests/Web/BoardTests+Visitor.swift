import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

extension BoardTests {
    /// A browser without a browser: keeps cookies, posts forms, reads the CSRF token from pages.
    struct Visitor {
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]
        var csrf = ""

        struct Page {
            let status: HTTPResponse.Status
            let headers: HTTPFields
            let html: String
            var location: String? { headers[.location] }
            var setCookies: [String] { headers[values: .setCookie] }
            /// The value of the first hidden csrf field.
            var csrf: String? {
                html.firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) }
            }
        }

        mutating func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> Page {
            try await send(.get, path, headers: extra)
        }

        mutating func post(_ path: String, _ form: [(String, String)], headers extra: HTTPFields = [:]) async throws -> Page {
            let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(
                separator: "&")
            var headers = extra
            headers[.contentType] = "application/x-www-form-urlencoded"
            return try await send(.post, path, headers: headers, body: body)
        }

        /// A form with files, as a browser sends one (`multipart/form-data`).
        mutating func postMultipart(
            _ path: String, _ form: [(String, String)], files: [(field: String, name: String, type: String, content: String)]
        ) async throws -> Page {
            let boundary = "----triage-test-\(UUID().uuidString)"
            var body = ""
            for (name, value) in form { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n" }
            for file in files {
                body +=
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n\(file.content)\r\n"
            }
            body += "--\(boundary)--\r\n"
            return try await send(.post, path, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
        }

        private mutating func send(_ method: HTTPRequest.Method, _ path: String, headers extra: HTTPFields, body: String? = nil)
            async throws -> Page
        {
            var headers = extra
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            let response = try await client.executeRequest(
                uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            let page = Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
            for cookie in page.setCookies {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if cookie.contains("Max-Age=0") || pair.count < 2 { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
            if let token = page.csrf, page.status == .ok { csrf = token }
            return page
        }

        /// Signs in with `account` through the sign-in form; returns the answer to the POST.
        @discardableResult
        mutating func logIn(_ account: TestCoordinator.Account, next: String = "/board", headers: HTTPFields = [:]) async throws -> Page {
            try await logIn(account.login, account.password, next: next, headers: headers)
        }

        @discardableResult
        mutating func logIn(_ login: String, _ password: String, next: String = "/board", headers: HTTPFields = [:]) async throws -> Page {
            let form = try await get("/board/login?next=\(next)")
            return try await post(
                "/board/login", [("csrf", form.csrf ?? ""), ("login", login), ("password", password), ("next", next)],
                headers: headers)
        }
    }
}
