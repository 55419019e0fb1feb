import Foundation
import TestSupport
import Testing
import TriageChecks

@Suite struct PluginsCommandTests {
    func agent(_ arguments: [String]) throws -> Shell.Output { try Shell.run(RemoteExecTests.binary, arguments) }

    @Test func listShowAndLintTheShippedPlugins() throws {
        let list = try agent(["plugins", "list", "--plugins-dir", DiagnoseCommandTests.plugins])
        #expect(list.stdout.contains("disk         local   Filesystem space and inodes"))
        let show = try agent(["plugins", "show", "disk", "--plugins-dir", DiagnoseCommandTests.plugins])
        #expect(show.stdout.contains("param:    disk.space_crit = 90%"))
        #expect(show.stdout.contains("rule:     smart * critical → onsite: Disk reports SMART failure"))
        let lint = try agent(["plugins", "lint", DiagnoseCommandTests.plugins])
        #expect(lint.status == 0 && lint.stdout == "ok\n")
    }

    @Test func lintFailsWithFileAndLine() throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/p", withIntermediateDirectories: true)
        try "name: p\nsummary: s\nscript: check.sh\ntriage:\n  - flag: nowhere\n    reason: r\n".write(
            toFile: folder.path + "/p/plugin.yaml", atomically: true, encoding: .utf8)
        try "true\n".write(toFile: folder.path + "/p/check.sh", atomically: true, encoding: .utf8)
        let lint = try agent(["plugins", "lint", folder.path])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("p/plugin.yaml:5: flag 'nowhere' must be onsite or vendor"))
    }
}

/// Plugins run with the agent's privileges: they must never come from the working directory or
/// from a folder that someone else could change.
@Suite struct PluginTrustTests {
    /// A plugin named `disk` that only says who it is.
    static func plant(in folder: String, summary: String = "PLANTED") throws {
        try FileManager.default.createDirectory(atPath: folder + "/disk", withIntermediateDirectories: true)
        try "name: disk\nsummary: \(summary)\nscript: check.sh\n".write(
            toFile: folder + "/disk/plugin.yaml", atomically: true, encoding: .utf8)
        try "echo '0 planted - planted'\n".write(toFile: folder + "/disk/check.sh", atomically: true, encoding: .utf8)
    }

    /// Started through PATH (argv[0] without a slash) from a folder holding `plugins/disk`.
    @Test func theWorkingDirectoryIsNeverAPluginFolder() throws {
        let folder = try TempFolder()
        try Self.plant(in: folder.path + "/plugins")
        let bin = URL(fileURLWithPath: RemoteExecTests.binary).deletingLastPathComponent().path
        let show = try Shell.run(
            "/bin/sh",
            ["-c", "cd \(ShellQuote.quote(folder.path)) && PATH=\(ShellQuote.quote(bin)):$PATH exec triage-agent plugins show disk"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Filesystem space and inodes"))
        #expect(!show.stdout.contains("PLANTED"))
        // From a folder without plugins the shipped ones are still found.
        let empty = try TempFolder()
        let list = try Shell.run(
            "/bin/sh", ["-c", "cd \(ShellQuote.quote(empty.path)) && PATH=\(ShellQuote.quote(bin)):$PATH exec triage-agent plugins list"])
        #expect(list.stdout.contains("disk") && list.stdout.contains("network") && list.stdout.contains("services"), "\(list.stderr)")
    }

    @Test func aPluginOthersCanChangeIsRefusedWithTheReason() throws {
        let folder = try TempFolder()
        try Self.plant(in: folder.path)
        chmod(folder.path + "/disk", 0o777)
        let writable = try Shell.run(RemoteExecTests.binary, ["plugins", "list", "--plugins-dir", folder.path])
        #expect(!writable.stdout.contains("PLANTED"))
        #expect(
            writable.stderr.contains("refusing \(folder.path)/disk: writable by its group or by others (mode 777)"), "\(writable.stderr)")

        chmod(folder.path + "/disk", 0o755)
        chmod(folder.path + "/disk/check.sh", 0o664)
        let groupWritable = try Shell.run(RemoteExecTests.binary, ["plugins", "list", "--plugins-dir", folder.path])
        #expect(groupWritable.stderr.contains("refusing \(folder.path)/disk/check.sh: writable by its group"), "\(groupWritable.stderr)")

        chmod(folder.path + "/disk/check.sh", 0o644)
        chown(folder.path + "/disk/check.sh", 65534, 65534)
        let foreign = try Shell.run(RemoteExecTests.binary, ["plugins", "list", "--plugins-dir", folder.path])
        #expect(!foreign.stdout.contains("PLANTED"))
        #expect(foreign.stderr.contains("refusing \(folder.path)/disk/check.sh: owned by uid 65534"), "\(foreign.stderr)")

        chown(folder.path + "/disk/check.sh", geteuid(), getegid())
        let trusted = try Shell.run(RemoteExecTests.binary, ["plugins", "list", "--plugins-dir", folder.path])
        #expect(trusted.stdout.contains("PLANTED"), "\(trusted.stderr)")
    }
}

/// What a local plugin sees: never the agent's secrets.
@Suite struct PluginEnvironmentTests {
    @Test func localPluginsDoNotInheritTheAgentsSecrets() throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/env", withIntermediateDirectories: true)
        try "name: env\nsummary: prints what it sees\nscript: check.sh\n".write(
            toFile: folder.path + "/env/plugin.yaml", atomically: true, encoding: .utf8)
        try #"echo "0 env - token=${TRIAGE_TOKEN:-none} pass=${TRIAGE_SSH_PASSPHRASE:-none} other=${SECRET_THING:-none} path=${PATH:+set}""#
            .write(toFile: folder.path + "/env/check.sh", atomically: true, encoding: .utf8)
        let result = try Shell.run(
            RemoteExecTests.binary, ["diagnose", "--local", "--plugins-dir", folder.path, "--checks", "env", "--format", "json"],
            environment: ["TRIAGE_TOKEN": "trg_secret", "TRIAGE_SSH_PASSPHRASE": "hunter2", "SECRET_THING": "x"])
        #expect(result.stdout.contains("token=none pass=none other=none path=set"), "\(result.stdout) \(result.stderr)")
        #expect(!result.stdout.contains("trg_secret") && !result.stdout.contains("hunter2"))
    }
}
