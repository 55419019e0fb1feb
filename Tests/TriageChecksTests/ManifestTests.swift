import Foundation
import TestSupport
import Testing
import TriageChecks
import TriageModel

@Suite struct ManifestTests {
    let folder: TempFolder
    init() throws { folder = try TempFolder() }

    func plugin(_ name: String, yaml: String, script: String = "echo '0 x - ok'\n") throws -> String {
        let path = folder.path + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try yaml.write(toFile: path + "/plugin.yaml", atomically: true, encoding: .utf8)
        try script.write(toFile: path + "/check.sh", atomically: true, encoding: .utf8)
        return path
    }

    @Test func theShippedPluginsLoadAndLintClean() throws {
        #expect(PluginLinter.lint(directory: PluginFixtures.plugins).isEmpty)
        let disk = try PluginFixtures.plugin("disk")
        #expect(disk.timeout == .seconds(15))
        #expect(disk.params.first == PluginManifest.Parameter(name: "space_warn", value: "80%"))
        #expect(disk.rules.first?.action == .onsite)
        // What a failing check needs from a technician is the plugin's to say, not the coordinator's.
        #expect(disk.skills == ["storage"])
        #expect(try PluginFixtures.plugin("network").skills == ["network"])
        #expect(try PluginFixtures.plugin("services").skills == ["linux"])
    }

    @Test func skillsAreAListOfLowerCaseWords() throws {
        let path = try plugin(
            "skilled",
            yaml: """
                name: skilled
                summary: demo
                protocol: local
                script: check.sh
                skills: [storage, Two Words, storage, san]
                """)
        guard case .failure(let failure) = ManifestLoader.load(folder: path) else {
            Issue.record("loaded")
            return
        }
        #expect(
            failure.problems.map { "\($0.line ?? 0): \($0.message)" }
                == ["5: a skill is one lower-case word of up to 64 letters, digits, '.', '_' or '-'"])
        let scalar = try plugin("scalar", yaml: "name: scalar\nsummary: demo\nprotocol: local\nscript: check.sh\nskills: storage\n")
        guard case .failure(let notAList) = ManifestLoader.load(folder: scalar) else {
            Issue.record("loaded")
            return
        }
        #expect(notAList.problems.map(\.message) == ["skills must be a list like [storage]"])
        let fine = try plugin(
            "fine", yaml: "name: fine\nsummary: demo\nprotocol: local\nscript: check.sh\nskills: [storage, storage, san]\n")
        guard case .success(let manifest) = ManifestLoader.load(folder: fine) else {
            Issue.record("refused")
            return
        }
        #expect(manifest.skills == ["storage", "san"])
        // Every check the plugin reports carries them; a plugin without skills adds none.
        var skilled = manifest
        skilled.scriptText = "echo '2 a - bad'\necho '0 b - fine'\n"
        var plain = skilled
        (plain.name, plain.skills) = ("plain", [])
        let outcome = PluginRunner.run([skilled, plain], transport: LocalShell())
        #expect(outcome.checks.map(\.skills) == [["storage", "san"], ["storage", "san"], nil, nil])
    }

    @Test func everyProblemIsReportedWithItsLine() throws {
        let path = try plugin(
            "broken",
            yaml: """
                name: Broken Name
                summary: demo
                protocol: snmp
                script: check.sh
                timeout: soon
                colour: red
                params:
                  bad-name: x
                triage:
                  - when: { item: "fs *", status: [critical, dire] }
                    reason: no action
                  - when: { item: "x" }
                    flag: teleport
                    reason: r
                  - flag: onsite
                    tier: 2
                    reason: both
                """)
        guard case .failure(let failure) = ManifestLoader.load(folder: path) else {
            Issue.record("loaded")
            return
        }
        let lines = failure.problems.map { "\($0.line ?? 0): \($0.message)" }
        #expect(lines.contains("1: name 'Broken Name' must be lower-case letters, digits, - and _"))
        #expect(lines.contains("3: protocol 'snmp' must be local or nagios"))
        #expect(lines.contains("5: timeout 'soon' must be like 15s, 2m or 500ms"))
        #expect(lines.contains { $0.hasPrefix("6: unknown key 'colour'") })
        #expect(lines.contains("8: parameter name 'bad-name' must be letters, digits and _"))
        #expect(lines.contains("10: status 'dire' must be ok, warning, critical or unknown"))
        #expect(lines.contains("10: a triage rule needs a flag (onsite, vendor) or a tier"))
        #expect(lines.contains("13: flag 'teleport' must be onsite or vendor"))
        #expect(lines.contains("16: a rule raises one thing: flag or tier, not both"))
        #expect(failure.problems.allSatisfy { $0.file == path + "/plugin.yaml" })
    }

    @Test func invalidYAMLAndMissingFields() throws {
        let bad = try plugin("bad", yaml: "name: x\nsummary: [unclosed\n")
        guard case .failure(let failure) = ManifestLoader.load(folder: bad) else {
            Issue.record("loaded")
            return
        }
        #expect(failure.problems.first?.message.hasPrefix("not valid YAML") == true)
        #expect(failure.problems.first?.line != nil)

        let missing = try plugin("missing", yaml: "name: missing\n")
        guard case .failure(let failure2) = ManifestLoader.load(folder: missing) else {
            Issue.record("loaded")
            return
        }
        #expect(failure2.problems.map(\.message) == ["missing summary", "missing script"])
    }

    @Test func lintRunsShDashN() throws {
        _ = try plugin("syntax", yaml: "name: syntax\nsummary: s\nscript: check.sh\n", script: "echo ok\nif true; then\n  echo unclosed\n")
        let problems = PluginLinter.lint(directory: folder.path + "/syntax")
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix("sh -n:") == true)
        #expect(problems.first?.file.hasSuffix("syntax/check.sh") == true)
    }

    @Test func aBrokenPluginIsSkippedAndTheOthersLoad() throws {
        _ = try plugin("good", yaml: "name: good\nsummary: s\nscript: check.sh\n")
        _ = try plugin("bad", yaml: "name: bad\n")
        let catalog = PluginCatalog(directories: [folder.path])
        #expect(catalog.names == ["good"])
        #expect(catalog.failures.count == 1)
        // A later folder overrides by name.
        let other = try TempFolder()
        try FileManager.default.createDirectory(atPath: other.path + "/g", withIntermediateDirectories: true)
        try "name: good\nsummary: override\nscript: check.sh\n".write(
            toFile: other.path + "/g/plugin.yaml", atomically: true, encoding: .utf8)
        try "true\n".write(toFile: other.path + "/g/check.sh", atomically: true, encoding: .utf8)
        #expect(PluginCatalog(directories: [folder.path, other.path]).plugins["good"]?.summary == "override")
    }

    @Test func durations() {
        #expect(ManifestLoader.parseDuration("15s") == .seconds(15))
        #expect(ManifestLoader.parseDuration("2m") == .seconds(120))
        #expect(ManifestLoader.parseDuration("500ms") == .milliseconds(500))
        #expect(ManifestLoader.parseDuration("1.5") == .milliseconds(1500))
        #expect(
            ManifestLoader.parseDuration("0s") == nil && ManifestLoader.parseDuration("-1") == nil
                && ManifestLoader.parseDuration("x") == nil)
    }
}
