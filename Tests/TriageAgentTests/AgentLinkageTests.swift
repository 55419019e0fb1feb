import Foundation
import TestSupport
import Testing

/// What the agent's binary loads (docs/agent.md, "Memory"): FoundationEssentials, never Foundation
/// with CoreFoundation and ICU, nor FoundationNetworking — which a habitual `import Foundation` in
/// any of the agent's modules would bring back — nor libcurl and its 26 libraries: several MiB
/// each in every push agent.
@Suite struct AgentLinkageTests {
    @Test func theAgentLinksNoFoundationAndNoICU() throws {
        let libraries = try Shell.run("/usr/bin/ldd", [RemoteExecTests.binary]).stdout
        #expect(libraries.contains("libssl.so") && libraries.contains("libyaml-0.so") && libraries.contains("libssh2.so"))
        for unwanted in [
            "libFoundation.so", "libFoundationNetworking.so", "libFoundationInternationalization.so", "lib_FoundationICU.so",
            "libcurl",
        ] {
            #expect(!libraries.contains(unwanted), "triage-agent loads \(unwanted):\n\(libraries)")
        }
    }
}
