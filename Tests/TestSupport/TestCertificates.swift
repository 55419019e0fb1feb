import Foundation

/// A throwaway certificate authority and a server certificate it signed, made with the real
/// `openssl` in a test's folder: for the agent's HTTPS against real TLS servers.
public struct TestCertificates {
    public let ca: String
    public let certificate: String
    public let key: String

    /// `names`: the server certificate's subjectAltName, e.g. "IP:127.0.0.1,DNS:localhost".
    public init(in folder: TempFolder, names: String) throws {
        let dir = folder.path
        func openssl(_ arguments: [String]) throws {
            let result = try Shell.run("/usr/bin/openssl", arguments)
            guard result.status == 0 else { throw TestSupportError("openssl \(arguments.first ?? ""): \(result.stderr)") }
        }
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(dir)/ca.key",
            "-out", "\(dir)/ca.pem", "-days", "2", "-subj", "/CN=Triage Test CA",
        ])
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(dir)/server.key",
            "-out", "\(dir)/server.csr", "-subj", "/CN=triage-test-server",
        ])
        try "subjectAltName=\(names)\n".write(toFile: "\(dir)/san.ext", atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key", "-CAcreateserial",
            "-out", "\(dir)/server.pem", "-days", "2", "-extfile", "\(dir)/san.ext",
        ])
        (ca, certificate, key) = ("\(dir)/ca.pem", "\(dir)/server.pem", "\(dir)/server.key")
    }
}

/// A real nginx terminating TLS on a free loopback port in front of an HTTP server on `upstream`,
/// as an https coordinator is usually deployed (Deploy/nginx/triage.conf). Stopped by its PID.
public final class TLSFrontend: @unchecked Sendable {
    public let port: Int
    private let process: ChildProcess

    public init(in folder: TempFolder, certificates: TestCertificates, upstream: Int) throws {
        let (fd, port) = try LoopbackSocket.listen()
        close(fd)
        self.port = port
        let dir = folder.path
        try """
        daemon off;
        pid \(dir)/nginx.pid;
        error_log \(dir)/nginx-error.log;
        events {}
        http {
            access_log off;
            client_body_temp_path \(dir)/nginx-body;
            proxy_temp_path \(dir)/nginx-proxy;
            server {
                listen 127.0.0.1:\(port) ssl;
                ssl_certificate \(certificates.certificate);
                ssl_certificate_key \(certificates.key);
                location / {
                    proxy_pass http://127.0.0.1:\(upstream);
                    proxy_read_timeout 90s;
                    proxy_buffering off;
                }
            }
        }
        """.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        process = try ChildProcess("/usr/sbin/nginx", ["-c", dir + "/nginx.conf", "-p", dir], stderr: dir + "/nginx.stderr")
        guard
            try waitUntil(
                seconds: 10,
                {
                    guard let fd = LoopbackSocket.connect(port: port) else { return false }
                    close(fd)
                    return true
                })
        else {
            throw TestSupportError(
                "nginx did not listen: \((try? String(contentsOfFile: dir + "/nginx-error.log", encoding: .utf8)) ?? "")")
        }
    }

    deinit { process.terminate() }
}
