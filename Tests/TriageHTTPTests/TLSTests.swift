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
        let certificates = try TestCertificates(in: folder, names: "IP:127.0.0.1,DNS:localhost")
        let (ca, cert, key) = (certificates.ca, certificates.certificate, certificates.key)
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
        let certificates = try TestCertificates(in: folder, names: "DNS:coordinator.example.net")
        let (ca, cert, key) = (certificates.ca, certificates.certificate, certificates.key)
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
