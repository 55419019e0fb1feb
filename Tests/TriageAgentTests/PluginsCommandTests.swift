import Foundation
import TestSupport
import Testing

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
        try "name: p\nsummary: s\nscript: check.sh\ntriage:\n  - flag: nowhere\n    reason: r\n".write(toFile: folder.path + "/p/plugin.yaml", atomically: true, encoding: .utf8)
        try "true\n".write(toFile: folder.path + "/p/check.sh", atomically: true, encoding: .utf8)
        let lint = try agent(["plugins", "lint", folder.path])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("p/plugin.yaml:5: flag 'nowhere' must be onsite or vendor"))
    }
}
