import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real OpenSSH server on a free loopback port, with its own host keys and
/// authorized_keys in a temporary folder (docs/testing.md). Stopped by PID on deinit.
public final class TestSSHD: @unchecked Sendable {
    public let folder: TempFolder
    public let port: Int
    /// The client key that authorized_keys accepts (ed25519).
    public let clientKey: String
    /// Host public key files, by type ("ed25519", "ecdsa").
    public let hostPublicKeys: [String: String]
    public let logFile: String
    private let process: ChildProcess

    /// The address it listens on: 127.0.0.1, or the inside address of its namespace.
    public let address: String

    /// `hostKeyTypes` are generated and all offered; `extraConfig` lines go into sshd_config.
    /// With a namespace, sshd runs inside it and listens on its inside address.
    public init(hostKeyTypes: [String] = ["ed25519"], extraConfig: String = "", namespace: TestNetworkNamespace? = nil) throws {
        address = namespace?.innerAddress ?? "127.0.0.1"
        folder = try TempFolder()
        let dir = folder.path
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        var publicKeys: [String: String] = [:]
        for type in hostKeyTypes {
            try Shell.keygen(type: type, file: "\(dir)/host_\(type)")
            publicKeys[type] = "\(dir)/host_\(type).pub"
        }
        hostPublicKeys = publicKeys
        clientKey = "\(dir)/client_ed25519"
        try Shell.keygen(type: "ed25519", file: clientKey)
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: "\(dir)/authorized_keys")
        logFile = "\(dir)/sshd.log"

        var lastError = ""
        for _ in 0..<5 {
            let port = try Self.freePort()
            let config = """
                Port \(port)
                ListenAddress \(address)
                \(hostKeyTypes.map { "HostKey \(dir)/host_\($0)" }.joined(separator: "\n"))
                PidFile none
                AuthorizedKeysFile \(dir)/authorized_keys
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                MaxStartups 128:30:256
                SetEnv SHLVL=1
                LogLevel DEBUG1
                \(extraConfig)
                """
            try config.write(toFile: "\(dir)/sshd_config", atomically: true, encoding: .utf8)
            let sshd = ["/usr/sbin/sshd", "-D", "-f", "\(dir)/sshd_config", "-E", logFile]
            let command = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0.name] + sshd } ?? sshd
            let process = try ChildProcess(command[0], Array(command.dropFirst()))
            if Self.waitUntilListening(address: address, port: port, process: process) {
                self.port = port
                self.process = process
                return
            }
            process.terminate()
            lastError = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "no log"
        }
        throw TestSupportError("sshd did not start: \(lastError)")
    }

    deinit { process.terminate() }

    /// Stops the server: the host is down.
    public func stop() { process.terminate() }

    /// Adds a public key file to authorized_keys.
    public func authorize(_ publicKeyFile: String) throws {
        let key = try String(contentsOfFile: publicKeyFile, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(folder.path)/authorized_keys"))
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(key.utf8))
    }

    /// `[ADDRESS]:PORT TYPE BASE64` for one of the host keys.
    public func knownHostsLine(type: String = "ed25519") throws -> String {
        let fields = try String(contentsOfFile: hostPublicKeys[type]!, encoding: .utf8).split(separator: " ")
        return "[\(address)]:\(port) \(fields[0]) \(fields[1])"
    }

    /// A known_hosts file in the fixture's folder holding `lines`.
    public func knownHostsFile(_ lines: [String], name: String = "known_hosts") throws -> String {
        let path = "\(folder.path)/\(name)"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSupportError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func waitUntilListening(address: String, port: Int, process: ChildProcess) -> Bool {
        for _ in 0..<200 {
            if !process.isRunning { return false }
            if canConnect(address: address, port: port) { return true }
            usleep(10_000)
        }
        return false
    }

    static func canConnect(address text: String = "127.0.0.1", port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(text)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
