import Foundation
import TestSupport
import Testing
import TriageHTTP

#if canImport(Glibc)
import Glibc
#endif

/// HTTPS against a real TLS server (`openssl s_server`) whose certificate a throwaway authority
/// signed: trusted through the configured CA file, refused without it or for another name.
@Suite struct TLSTests {
    /// A CA, and a server certificate it signed for `names` (subjectAltName entries).
    static func authority(in folder: TempFolder, names: String) throws -> (ca: String, cert: String, key: String) {
        let dir = folder.path
        func openssl(_ arguments: [String]) throws {
            let result = try Shell.run("/usr/bin/openssl", arguments)
            guard result.status == 0 else { throw TestSupportError("openssl \(arguments.first ?? ""): \(result.stderr)") }
        }
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(dir)/ca.key",
                     "-out", "\(dir)/ca.pem", "-days", "2", "-subj", "/CN=Triage Test CA"])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(dir)/server.key",
                     "-out", "\(dir)/server.csr", "-subj", "/CN=triage-test-server"])
        try "subjectAltName=\(names)\n".write(toFile: "\(dir)/san.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key", "-CAcreateserial",
                     "-out", "\(dir)/server.pem", "-days", "2", "-extfile", "\(dir)/san.ext"])
        return ("\(dir)/ca.pem", "\(dir)/server.pem", "\(dir)/server.key")
    }

    /// `openssl s_server -www` on a free loopback port: it answers any GET with 200 and a page.
    static func server(cert: String, key: String, folder: TempFolder) throws -> (ChildProcess, Int) {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        let process = try ChildProcess("/usr/bin/openssl", ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"],
                                       stderr: folder.path + "/s_server.log")
        _ = try waitUntil(seconds: 10) {
            guard let fd = LoopbackSocket.connect(port: port) else { return false }
            close(fd)
            return true
        }
        return (process, port)
    }

    @Test func aCertificateFromTheConfiguredAuthorityIsTrustedAndOthersAreNot() async throws {
        let folder = try TempFolder()
        let (ca, cert, key) = try Self.authority(in: folder, names: "IP:127.0.0.1,DNS:localhost")
        let (server, port) = try Self.server(cert: cert, key: key, folder: folder)
        defer { server.terminate() }
        let url = "https://127.0.0.1:\(port)/"

        let trusting = HTTPClient(configuration: .init(caFile: ca))
        let answer = try await trusting.send(HTTPRequest(url: url, timeout: .seconds(10)))
        #expect(answer.status == 200)
        #expect(String(decoding: answer.body, as: UTF8.self).contains("s_server"))

        // The system's store does not know the test authority.
        do {
            _ = try await HTTPClient().send(HTTPRequest(url: url, timeout: .seconds(10)))
            Issue.record("a certificate from an unknown authority was accepted")
        } catch let error as HTTPClientError {
            #expect(error.code == .tls)
            #expect(error.message.contains("certificate"), "\(error.message)")
        }
    }

    @Test func aCertificateForAnotherNameIsRefused() async throws {
        let folder = try TempFolder()
        let (ca, cert, key) = try Self.authority(in: folder, names: "DNS:coordinator.example.net")
        let (server, port) = try Self.server(cert: cert, key: key, folder: folder)
        defer { server.terminate() }
        do {
            _ = try await HTTPClient(configuration: .init(caFile: ca)).send(HTTPRequest(url: "https://127.0.0.1:\(port)/", timeout: .seconds(10)))
            Issue.record("a certificate for another name was accepted")
        } catch let error as HTTPClientError {
            #expect(error.code == .tls)
            #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        }
    }
}
