import Testing
import TriageChecks
import TriageModel

/// Output captured from Debian 12's monitoring-plugins-basic, and the guidelines' own examples.
@Suite struct NagiosOutputParserTests {
    @Test func checkDiskAsItPrints() {
        let output = "DISK OK - free space: / 81351MiB (84% inode=97%);| /=16139681792B;216442024755;243497277849;0;270552530944\n"
        let result = NagiosOutputParser.parse(plugin: "check_disk", item: "root", exitCode: 0, output: output)
        #expect(result.status == .ok)
        #expect(result.summary == "DISK OK - free space: / 81351MiB (84% inode=97%);")
        #expect(
            result.metrics == [
                Metric(
                    name: "/", value: 16_139_681_792, unit: "B", warn: "216442024755", crit: "243497277849",
                    min: 0, max: 270_552_530_944)
            ])
        #expect(result.longOutput == nil)
    }

    @Test func checkLoadWithTrailingSemicolonsAndSpace() {
        let output =
            "LOAD OK - total load average: 0.43, 0.52, 0.32|load1=0.430;5.000;10.000;0; load5=0.520;4.000;8.000;0; load15=0.320;3.000;6.000;0; \n"
        let result = NagiosOutputParser.parse(plugin: "check_load", item: "load", exitCode: 0, output: output)
        #expect(result.metrics.map(\.name) == ["load1", "load5", "load15"])
        #expect(result.metrics[1] == Metric(name: "load5", value: 0.52, warn: "4.000", crit: "8.000", min: 0, max: nil))
    }

    @Test func exitCodesBecomeStatuses() {
        for (code, status) in [
            (0, CheckStatus.ok), (1, .warning), (2, .critical), (3, .unknown), (4, .unknown), (127, .unknown), (-1, .unknown),
        ] {
            let result = NagiosOutputParser.parse(plugin: "p", item: "i", exitCode: Int32(code), output: "TEXT\n")
            #expect(result.status == status)
        }
        #expect(NagiosOutputParser.parse(plugin: "p", item: "i", exitCode: 127, output: "sh: not found").summary.hasPrefix("exit code 127"))
    }

    @Test func longOutputAndPerfdataContinuedOnLaterLines() {
        // The guidelines' multi-line example: perfdata after the first line's | and after a later |.
        let output = """
            DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968
            / 15272 MB (77%);
            /boot 68 MB (69%);
            /home 69357 MB (27%);
            /var/log 819 MB (84%); | /boot=68MB;88;93;0;98
            /home=69357MB;253404;253409;0;253414
            /var/log=818MB;970;975;0;980
            """
        let result = NagiosOutputParser.parse(plugin: "check_disk", item: "all", exitCode: 0, output: output)
        #expect(result.summary == "DISK OK - free space: / 3326 MB (56%);")
        #expect(result.longOutput == "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%); ")
        #expect(result.metrics.map(\.name) == ["/", "/boot", "/home", "/var/log"])
        #expect(result.metrics[3].value == 818 && result.metrics[3].unit == "MB" && result.metrics[3].max == 980)
    }

    @Test func quotedLabelsUndeterminedValuesAndEmptyFields() {
        let output = "OK | 'free space /var'=12% 'it''s'=1c;;;0 'time'=U;5:;@1:3 bad=12furlongs x=1;20:10\n"
        let result = NagiosOutputParser.parse(plugin: "p", item: "i", exitCode: 0, output: output)
        #expect(
            result.metrics == [
                Metric(name: "free space /var", value: 12, unit: "%"),
                Metric(name: "it's", value: 1, unit: "c", min: 0),
                Metric(name: "time", value: nil, warn: "5:", crit: "@1:3"),
            ])
        // Perfdata that does not parse is kept for the technician, not silently dropped.
        #expect(result.longOutput == "unparsed perfdata: bad=12furlongs x=1;20:10")
    }

    @Test func noOutputIsUnknown() {
        let result = NagiosOutputParser.parse(plugin: "p", item: "i", exitCode: 0, output: "")
        #expect(result.status == .unknown)
        #expect(result.summary.contains("printed nothing"))
    }
}
