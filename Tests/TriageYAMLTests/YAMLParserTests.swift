import Testing
import TriageYAML

/// The agent's YAML reader on the shapes its configurations and manifests use, and on broken text.
@Suite struct YAMLParserTests {
    @Test func mappingsSequencesAndScalarsKeepTheirLines() throws {
        let text = """
            coordinator: https://triage.example.net
            interval: 60
            checks: [disk, network]
            spool: { path: /var/lib/triage-agent/spool, max_bytes: 10MiB }
            params:
              disk.space_crit: "95%"
            jobs: no
            timeout: 2.5
            hosts:
              - web1
              - 'db 2'
            """
        let top = try #require(try YAMLParser.compose(text)?.mapping)
        #expect(top.keys.map { $0.scalar?.string } == ["coordinator", "interval", "checks", "spool", "params", "jobs", "timeout", "hosts"])
        #expect(top["coordinator"]?.scalar?.string == "https://triage.example.net")
        #expect(top["interval"]?.int == 60)
        #expect(top["interval"]?.mark == YAMLNode.Mark(line: 2, column: 11))
        #expect(top["checks"]?.sequence?.compactMap { $0.scalar?.string } == ["disk", "network"])
        #expect(top["spool"]?.mapping?["path"]?.scalar?.string == "/var/lib/triage-agent/spool")
        #expect(top["params"]?.mapping?["disk.space_crit"]?.scalar == .init("95%", isPlain: false))
        #expect(top["params"]?.mapping?["disk.space_crit"]?.mark.line == 6)
        #expect(top["jobs"]?.bool == false)
        #expect(top["timeout"]?.float == 2.5)
        #expect(top["hosts"]?.sequence?.last?.scalar?.string == "db 2")
        #expect(top["nothing"] == nil)
    }

    @Test func onlyPlainScalarsAreNumbersOrBooleans() throws {
        let top = try #require(
            try YAMLParser.compose("a: \"22\"\nb: 0x1F\nc: 1_000\nd: '1'\ne: !!str yes\nf: On\ng: -7\nh: 0755\ni: 12a\n")?.mapping)
        #expect(top["a"]?.int == nil && top["a"]?.scalar?.string == "22")
        #expect(top["b"]?.int == 31)
        #expect(top["c"]?.int == 1000)
        #expect(top["d"]?.int == nil)
        #expect(top["e"]?.bool == nil)
        #expect(top["f"]?.bool == true)
        #expect(top["g"]?.int == -7)
        #expect(top["h"]?.int == 0o755)
        #expect(top["i"]?.int == nil)
    }

    @Test func anchorsAndAliasesResolve() throws {
        let top = try #require(try YAMLParser.compose("base: &b [disk, network]\nagent: *b\n")?.mapping)
        #expect(top["agent"]?.sequence?.count == 2)
    }

    @Test func brokenTextSaysWhereAndAnEmptyDocumentIsNil() throws {
        #expect(try YAMLParser.compose("") == nil)
        #expect(try YAMLParser.compose("# only a comment\n") == nil)
        do {
            _ = try YAMLParser.compose("name: disk\nsummary: [unclosed\nscript: check.sh\n")
            Issue.record("broken YAML was taken")
        } catch {
            #expect(error.mark?.line == 3, "\(error)")
            #expect(error.description.hasPrefix("line 3"))
        }
        do {
            _ = try YAMLParser.compose("a: 1\n---\nb: 2\n")
            Issue.record("two documents were taken")
        } catch {
            #expect(error.message.contains("one document"))
        }
        do {
            _ = try YAMLParser.compose("a: *nowhere\n")
            Issue.record("an unknown alias was taken")
        } catch {
            #expect(error.message.contains("nowhere") || error.message.contains("alias"), "\(error)")
        }
    }
}
