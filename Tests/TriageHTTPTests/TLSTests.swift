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
        let process = try ChildProcess(
            "/usr/bin/openssl", ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"],
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

    /// A TLS server that reads the start of a request while a 32 MiB body is still being sent,
    /// then answers 413 (and drops the rest as it comes, as web servers do), or says nothing and
    /// resets the connection: the early answer is the outcome, a reset connection an error — never
    /// a SIGPIPE that ends the process (OpenSSL writes with write(2)).
    @Test(arguments: ["answer", "drop"])
    func aServerThatStopsReadingMidBodyIsAnAnswerOrAnErrorNotASignal(_ mode: String) async throws {
        let folder = try TempFolder()
        let certificates = try TestCertificates(in: folder, names: "IP:127.0.0.1")
        try """
        import socket, ssl, struct, sys
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        open(sys.argv[3], "w").write(str(listener.getsockname()[1]))
        while True:
            connection, _ = listener.accept()
            try:
                tls = context.wrap_socket(connection, server_side=True)
                tls.recv(100)
                if sys.argv[4] == "answer":
                    # As a web server does: answer, then read and drop the rest until the client goes.
                    tls.sendall(b"HTTP/1.1 413 Payload Too Large\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n")
                    while tls.recv(65536):
                        pass
                else:
                    tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                tls.close()
            except OSError:
                pass
        """.write(toFile: folder.path + "/server.py", atomically: true, encoding: .utf8)
        let server = try ChildProcess(
            "/usr/bin/python3",
            [
                folder.path + "/server.py", certificates.certificate, certificates.key,
                folder.path + "/port", mode,
            ], stderr: folder.path + "/server.log")
        defer { server.terminate() }
        #expect(try waitUntil(seconds: 10) { FileManager.default.fileExists(atPath: folder.path + "/port") })
        let port = try String(contentsOfFile: folder.path + "/port", encoding: .utf8)
        let client = HTTPClient(configuration: .init(caFile: certificates.ca))
        for _ in 0..<3 {
            do {
                let answer = try await client.send(
                    HTTPRequest(
                        method: "POST", url: "https://127.0.0.1:\(port)/api/v1/reports",
                        body: Array(repeating: 0x61, count: 32 << 20), timeout: .seconds(10)))
                #expect(mode == "answer" && answer.status == 413, "\(answer)")
            } catch let error as HTTPClientError {
                #expect(mode == "drop" && [.failed, .tls].contains(error.code), "\(error)")
            }
        }
    }

    @Test func aCertificateForAnotherNameIsRefused() async throws {
        let folder = try TempFolder()
        let certificates = try TestCertificates(in: folder, names: "DNS:coordinator.example.net")
        let (ca, cert, key) = (certificates.ca, certificates.certificate, certificates.key)
        let (server, port) = try Self.server(cert: cert, key: key, folder: folder)
        defer { server.terminate() }
        do {
            _ = try await HTTPClient(configuration: .init(caFile: ca)).send(
                HTTPRequest(url: "https://127.0.0.1:\(port)/", timeout: .seconds(10)))
            Issue.record("a certificate for another name was accepted")
        } catch let error as HTTPClientError {
            #expect(error.code == .tls)
            #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        }
    }
}
