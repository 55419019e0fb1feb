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
                _ = try? TriageServe.curl(["-X", "POST", url + "/api/v1/tickets", "-H", "Authorization: Bearer \(token)",
                                           "-H", "Content-Type: application/json", "-d", #"{"title": "during \#(index)", "severity": 4}"#])
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

        let restoredFolder = try TempFolder()
        let restored = try Shell.run(Self.binary, ["restore", "--from", backup, "--data", restoredFolder.path + "/data"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored \(backup) (schema version"))

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
