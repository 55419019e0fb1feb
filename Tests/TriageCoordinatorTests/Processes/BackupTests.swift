import Foundation
import TestSupport
import Testing

/// `triage backup` of a coordinator that keeps taking writes, and `triage restore` of it into a
/// new data folder that a coordinator then serves: the real binary, real SQLite files.
@Suite struct BackupTests {
    static let binary = builtProduct("triage")

    @Test func anOnlineBackupIsAConsistentCopyThatRestoresAndServes() throws {
        let folder = try TempFolder()
        let serve = try TriageServe(folder)
        defer { serve.process.terminate() }
        for index in 1...30 {
            #expect(try serve.request("POST", "/api/v1/tickets", #"{"title": "before \#(index)", "severity": 3}"#).status == 201)
        }
        // One writer keeps creating tickets, one at a time, while the backup is taken.
        let writing = DispatchGroup()
        writing.enter()
        let (url, token) = (serve.url, serve.adminToken)
        Thread {
            for index in 1...150 {
                _ = try? TriageServe.curl([
                    "-X", "POST", url + "/api/v1/tickets", "-H", "Authorization: Bearer \(token)",
                    "-H", "Content-Type: application/json", "-d", #"{"title": "during \#(index)", "severity": 4}"#,
                ])
            }
            writing.leave()
        }.start()
        usleep(200_000)
        let backup = folder.path + "/triage-backup.db"
        let data = ["--data", folder.path + "/data"]
        let made = try Shell.run(Self.binary, ["backup", "--to", backup] + data)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("backed up \(folder.path)/data/triage.db to \(backup)"))
        writing.wait()
        // Whatever holds the data is its user's alone: the folder, the database, its WAL, the backup.
        for (path, mode) in [
            (folder.path + "/data", 0o700), (folder.path + "/data/triage.db", 0o600),
            (folder.path + "/data/triage.db-wal", 0o600), (backup, 0o600),
        ] as [(String, mode_t)] {
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == mode, "\(path): \(String(info.st_mode & 0o777, radix: 8))")
        }

        // Never over a file, never over a database in use, never from something that is not a backup.
        let again = try Shell.run(Self.binary, ["backup", "--to", backup] + data)
        #expect(again.status != 0 && again.stderr.contains("already exists: a backup never overwrites"), "\(again.stderr)")
        let clash = try Shell.run(Self.binary, ["restore", "--from", backup] + data)
        #expect(clash.status != 0 && clash.stderr.contains("already exists: stop the coordinator"), "\(clash.stderr)")
        let garbage = folder.path + "/garbage.db"
        try String(repeating: "not a database\n", count: 500).write(toFile: garbage, atomically: true, encoding: .utf8)
        let bad = try Shell.run(Self.binary, ["restore", "--from", garbage, "--data", folder.path + "/elsewhere"])
        #expect(bad.status != 0 && bad.stderr.contains("is not a readable SQLite database"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/elsewhere/triage.db"))

        // The backup's second-factor secrets are sealed with the data folder's key, which it does
        // not hold: restored elsewhere without the key, triage says what to bring.
        let keyless = try TempFolder()
        let withoutKey = try Shell.run(Self.binary, ["restore", "--from", backup, "--data", keyless.path + "/data"])
        #expect(
            withoutKey.status != 0 && withoutKey.stderr.contains("put the secret-key file of the data folder that sealed them"),
            "\(withoutKey.stderr)")
        #expect(!FileManager.default.fileExists(atPath: keyless.path + "/data/secret-key"), "no new key was made")

        let restoredFolder = try TempFolder()
        try FileManager.default.createDirectory(atPath: restoredFolder.path + "/data", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder.path + "/data/secret-key", toPath: restoredFolder.path + "/data/secret-key")
        let restored = try Shell.run(Self.binary, ["restore", "--from", backup, "--data", restoredFolder.path + "/data"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored \(backup) (schema version"))
        var restoredInfo = stat()
        #expect(stat(restoredFolder.path + "/data/triage.db", &restoredInfo) == 0 && restoredInfo.st_mode & 0o777 == 0o600)

        // The restored coordinator knows the original admin token and holds a consistent prefix of
        // the tickets: all 30 made before, then those the writer had committed, with no gap.
        let second = try TriageServe(restoredFolder)
        defer { second.process.terminate() }
        let list = try second.request("GET", "/api/v1/tickets?limit=200", token: serve.adminToken)
        #expect(list.status == 200)
        let ids = ((list.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }.sorted()
        #expect(ids.count >= 30 && ids.count <= 180, "\(ids.count) tickets")
        #expect(ids == Array(1...max(ids.count, 1)), "ids are not 1…n: \(ids)")
        let live = try serve.request("GET", "/api/v1/tickets?limit=200").json["items"] as? [Any] ?? []
        #expect(live.count == 180)
    }
}
