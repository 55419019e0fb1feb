import Foundation
import TestSupport
import Testing

@testable import TriageAPI
@testable import TriageBoard
@testable import TriageCoordinator
@testable import TriageDomain
@testable import TriageEdge
@testable import TriageMailTransport
@testable import TriageStorage

/// The `triage` binary as an operator runs it: first start, tokens from the command line,
/// configuration precedence, and a graceful stop on SIGTERM.
@Suite struct ServeCommandTests {
    static let binary = builtProduct("triage")

    /// Starts `triage serve` on a free port and waits for its "listening" line.
    static func serve(_ folder: TempFolder, _ extra: [String] = [], environment: [String: String]? = nil) throws
        -> (ChildProcess, port: Int, stdout: String)
    {
        let serve = try TriageServe(folder, extra, environment: environment)
        return (serve.process, serve.port, serve.stdout)
    }

    static func curl(_ arguments: [String]) throws -> Shell.Output { try TriageServe.curl(arguments) }

    /// Not at a terminal (a service: stdout goes to a journal others can read), the first admin
    /// token goes to a file only this user can read, and stdout says where.
    @Test func firstStartWritesAnAdminTokenOnceThatWorksAndSIGTERMStopsCleanly() async throws {
        let folder = try TempFolder()
        let (first, port, output) = try Self.serve(folder)
        let file = folder.path + "/data/admin-token"
        let token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix(BearerToken.prefix))
        #expect(!output.contains(token) && output.contains("Admin token written to \(file) (readable by this user only)"))
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let created = try Self.curl([
            "-X", "POST", "http://127.0.0.1:\(port)/api/v1/tickets", "-H", "Authorization: Bearer \(token)",
            "-H", "Content-Type: application/json", "-d", #"{"title": "from curl"}"#,
        ])
        #expect(created.stdout.hasSuffix("\n201"), "\(created.stdout)")
        kill(first.pid, SIGTERM)
        #expect(first.wait() == 0)
        // A clean stop closed the database: the WAL was checkpointed and removed.
        #expect(FileManager.default.fileExists(atPath: folder.path + "/data/triage.db"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/data/triage.db-wal"))

        // A data folder as an older triage left it (755, the database 644) is made private in place.
        chmod(folder.path + "/data", 0o755)
        chmod(folder.path + "/data/triage.db", 0o644)
        let (older, _, _) = try Self.serve(folder)
        for (path, mode) in [
            (folder.path + "/data", 0o700), (folder.path + "/data/triage.db", 0o600),
            (folder.path + "/data/triage.db-wal", 0o600), (folder.path + "/data/triage.db-shm", 0o600),
        ] as [(String, mode_t)] {
            var mine = stat()
            #expect(stat(path, &mine) == 0 && mine.st_mode & 0o777 == mode, "\(path): \(String(mine.st_mode & 0o777, radix: 8))")
        }
        kill(older.pid, SIGTERM)
        #expect(older.wait() == 0)

        let (second, port2, output2) = try Self.serve(folder)
        #expect(!output2.contains("Admin token"), "the admin token is made only on the first start")
        let list = try Self.curl(["http://127.0.0.1:\(port2)/api/v1/tickets", "-H", "Authorization: Bearer \(token)"])
        #expect(list.stdout.contains("from curl") && list.stdout.hasSuffix("\n200"))
        second.terminate()
    }

    /// At a terminal (here a pseudo-terminal from `script`), a person sees the token once, and no file is left.
    @Test func atATerminalTheFirstAdminTokenIsShownNotWritten() throws {
        let folder = try TempFolder()
        let out = folder.path + "/tty.out"
        let script = try ChildProcess(
            "/usr/bin/script",
            [
                "-q", "-e", "-c", "exec \(Self.binary) serve --data \(folder.path)/data --listen 127.0.0.1:0",
                "/dev/null",
            ], stdout: out)
        var text = ""
        for _ in 0..<300 where !text.contains("triage listening") {
            usleep(100_000)
            text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        if let serve = try Shell.run("/usr/bin/pgrep", ["-P", "\(script.pid)"]).stdout.split(separator: "\n").first.flatMap({ pid_t($0) }) {
            kill(serve, SIGTERM)
        }
        script.wait()
        #expect(text.contains("Admin token (shown only now, keep it safe):\r\n\(BearerToken.prefix)"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/data/admin-token"))
    }

    @Test func tokenCommandsCreateListAndRevoke() async throws {
        let folder = try TempFolder()
        let data = ["--data", folder.path + "/data"]
        let migrate = try Shell.run(Self.binary, ["migrate"] + data)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let created = try Shell.run(Self.binary, ["token", "create", "--role", "dispatcher", "--name", "dora"] + data)
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix(BearerToken.prefix) && !secret.contains("\n"), "only the token on stdout")

        let agent = try Shell.run(Self.binary, ["token", "create", "--role", "agent", "--name", "web1", "--host", "web1"] + data)
        #expect(agent.status != 0)
        #expect(agent.stderr.contains("no host is named web1"), "\(agent.stderr)")
        let badRole = try Shell.run(Self.binary, ["token", "create", "--role", "root", "--name", "x"] + data)
        #expect(badRole.status != 0)

        let list = try Shell.run(Self.binary, ["token", "list"] + data)
        #expect(list.stdout.contains("dispatcher") && list.stdout.contains("dora"))
        #expect(!list.stdout.contains(secret))

        let (server, port, _) = try Self.serve(folder)
        let before = try Self.curl(["http://127.0.0.1:\(port)/api/v1/tickets", "-H", "Authorization: Bearer \(secret)"])
        #expect(before.stdout.hasSuffix("\n200"))
        let id = try #require(list.stdout.split(separator: "\n").first { $0.contains("dora") }?.split(separator: " ").first)
        let revoke = try Shell.run(Self.binary, ["token", "revoke", String(id)] + data)
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let after = try Self.curl(["http://127.0.0.1:\(port)/api/v1/tickets", "-H", "Authorization: Bearer \(secret)"])
        #expect(after.stdout.hasSuffix("\n401"))
        server.terminate()
    }

    /// The first start prints a one-time setup link (never a password); accounts come from the
    /// command line with the password on stdin; a later start prints no link.
    @Test func userCommandsAndTheFirstStartsSetupLink() async throws {
        let folder = try TempFolder()
        let data = ["--data", folder.path + "/data"]
        let (first, port, output) = try Self.serve(folder)
        // Not at a terminal, the link goes where the admin token goes: a file only this user reads.
        let file = folder.path + "/data/setup-link"
        let link = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(link.hasPrefix("http://127.0.0.1:\(port)/setup?code=") && output.contains("works once, for 24 hours"))
        #expect(!output.contains("/setup?code=") && output.contains("is in \(file) (readable by this user only)"), "\(output)")
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let page = try Self.curl([link])
        #expect(page.stdout.hasSuffix("\n200") && page.stdout.contains(#"name="password""#))

        func user(_ arguments: [String], password: String? = nil) throws -> Shell.Output {
            try Shell.run(Self.binary, ["user"] + arguments + data, input: password.map { $0 + "\n" })
        }
        let weak = try user(["create", "dora", "--role", "dispatcher", "--password-stdin"], password: "password123")
        #expect(weak.status != 0 && weak.stderr.contains("one of the 10 000 most common passwords"), "\(weak.stderr)")
        let short = try user(["create", "dora", "--role", "dispatcher", "--password-stdin"], password: "Tr1age!")
        #expect(short.status != 0 && short.stderr.contains("at least 10 characters"), "\(short.stderr)")
        let agent = try user(["create", "robot", "--role", "agent", "--password-stdin"], password: "robots do not sign in")
        #expect(agent.status != 0 && agent.stderr.contains("agent token"), "\(agent.stderr)")
        let made = try user(
            ["create", "Dora", "--role", "dispatcher", "--name", "Dora D.", "--password-stdin"], password: "dora dispatches all day")
        #expect(made.status == 0 && made.stdout.contains("dora (dispatcher) created"), "\(made.stderr)")
        #expect(try user(["create", "ada", "--role", "admin", "--password-stdin"], password: "ada administers it all").status == 0)
        let taken = try user(["create", "dora", "--role", "admin", "--password-stdin"], password: "another long password")
        #expect(taken.status != 0 && taken.stderr.contains("the login dora is taken"), "\(taken.stderr)")

        let list = try user(["list"])
        #expect(list.stdout.contains("dora") && list.stdout.contains("Dora D.") && list.stdout.contains("ada"))
        #expect(!list.stdout.contains("dispatches all day") && !list.stdout.contains("$2"), "no password or hash is ever shown")
        #expect(try user(["passwd", "dora", "--password-stdin"], password: "dora has a new password").status == 0)
        #expect(try user(["reset-second-factor", "dora"]).stdout.contains("second factor of dora turned off"))
        let lastAdmin = try user(["disable", "ada"])
        #expect(lastAdmin.status != 0 && lastAdmin.stderr.contains("last active admin"), "\(lastAdmin.stderr)")
        #expect(try user(["disable", "dora"]).stdout.contains("dora disabled"))
        #expect(try user(["list"]).stdout.split(separator: "\n").first { $0.contains("dora") }?.contains(" no ") == true)
        let nobody = try user(["disable", "nobody"])
        #expect(nobody.status != 0 && nobody.stderr.contains("no user has the login nobody"))

        // With accounts there is nothing to set up: no new link.
        first.terminate()
        try FileManager.default.removeItem(atPath: file)
        let (second, _, output2) = try Self.serve(folder)
        #expect(!output2.contains("setup") && !FileManager.default.fileExists(atPath: file), "\(output2)")
        second.terminate()
    }

    @Test func aConfigFileEnvironmentAndFlagsOverrideInThatOrder() async throws {
        let folder = try TempFolder()
        let config = folder.path + "/triage.yaml"
        try """
        listen: 127.0.0.1:1
        data: \(folder.path)/from-file
        sqlite: {synchronous: full}
        sla:
          severity1: {respondMinutes: 5, resolveMinutes: 60}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        var configuration = try CoordinatorConfiguration.load(file: config, environment: ["TRIAGE_DATA": folder.path + "/from-env"])
        #expect(configuration.listen == "127.0.0.1:1")
        #expect(configuration.dataDirectory == folder.path + "/from-env")
        #expect(configuration.sqliteSynchronous == .full)
        #expect(configuration.sla.severities[1] == .init(respondMinutes: 5, resolveMinutes: 60))
        #expect(configuration.sla.severities[2] == SLAPolicy.standard.severities[2])
        #expect(try configuration.databaseLocation() == .sqlite(path: folder.path + "/from-env/triage.db"))
        configuration.database = "sqlite:///var/lib/triage/t.db"
        #expect(try configuration.databaseLocation() == .sqlite(path: "/var/lib/triage/t.db"))

        // The flag wins over the file: the server listens where --listen says.
        let (server, port, output) = try Self.serve(folder, ["--config", config])
        #expect(port != 1 && output.contains("Admin token written to"))
        server.terminate()

        try "listen: 127.0.0.1:8080\nlisten_port: 9\n".write(toFile: config, atomically: true, encoding: .utf8)
        let typo = try Shell.run(Self.binary, ["migrate", "--config", config])
        #expect(typo.status != 0)
        #expect(typo.stderr.contains("unknown key listen_port"), "\(typo.stderr)")
        configuration.database = "postgres://triage:secret@db.example:5433/triage?sslmode=require"
        #expect(try configuration.databaseLocation().description == "PostgreSQL triage@db.example:5433/triage")
        for (url, why) in [
            ("postgres://db/triage", "no user"), ("postgres://u@db/", "no database name"),
            ("postgres://u:pw@db/t?sslmode=sometimes", "sslmode 'sometimes'"),
        ] {
            let bad = try Shell.run(Self.binary, ["migrate", "--database", url])
            #expect(bad.status != 0 && bad.stderr.contains(why) && !bad.stderr.contains("pw@"), "\(bad.stderr)")
        }
        // Nothing listens on port 1 of loopback: the error says where it tried, promptly.
        let offline = try Shell.run(Self.binary, ["migrate", "--database", "postgres://u@127.0.0.1:1/t?sslmode=disable"])
        #expect(offline.status != 0 && offline.stderr.contains("cannot connect to PostgreSQL u@127.0.0.1:1/t"), "\(offline.stderr)")
    }
}
