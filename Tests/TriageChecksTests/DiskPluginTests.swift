import Foundation
import TestSupport
import Testing
import TriageChecks
import TriageModel

/// The disk plugin on saved real outputs (df, /proc/mounts, mdstat, smartctl, dmesg), and for
/// real on this machine.
@Suite struct DiskPluginTests {
    let disk: PluginManifest
    init() throws { disk = try PluginFixtures.plugin("disk") }

    func runOnFixtures(overrides: [String: String] = [:]) -> PluginRunner.Outcome {
        let folder = PluginFixtures.fixtures + "/disk"
        let sources = [
            "TRIAGE_SRC_DF": "df.txt", "TRIAGE_SRC_DFI": "dfi.txt", "TRIAGE_SRC_MOUNTS": "mounts.txt",
            "TRIAGE_SRC_FSTAB": "fstab.txt", "TRIAGE_SRC_MDSTAT": "mdstat.txt", "TRIAGE_SRC_DMESG": "dmesg.txt",
            "TRIAGE_SRC_SMART": "smart",
        ].mapValues { folder + "/" + $0 }
        return PluginRunner.run([disk], overrides: ["disk": overrides], transport: SourcedTransport(inner: LocalShell(), sources: sources))
    }

    @Test func spaceAndInodesPerFilesystem() throws {
        let checks = runOnFixtures().checks
        #expect(checks.item("fs /")?.status == .ok)
        let full = try #require(checks.item("fs /var"))
        #expect(full.status == .critical)
        #expect(full.summary == "96% space used (2.0 GiB free of 49.0 GiB)")
        #expect(full.metrics == [Metric(name: "used", value: 96, unit: "%", warn: "80", crit: "90", min: 0, max: 100)])
        #expect(checks.item("fs /mnt/backup disk")?.status == .warning)  // a mount point with a space
        #expect(checks.item("fs /srv")?.status == .critical)  // 100 %: compared as a number, not as text
        #expect(checks.item("inodes /var")?.status == .critical)
        #expect(checks.item("inodes /boot/efi") == nil)  // vfat has no inodes to count
        #expect(checks.item("fs /dev") == nil && checks.item("fs /dev/shm") == nil)  // excluded types
    }

    @Test func thresholdsComeFromParameters() {
        let checks = runOnFixtures(overrides: ["space_warn": "97%", "space_crit": "99%"]).checks
        #expect(checks.item("fs /var")?.status == .ok)
        #expect(checks.item("fs /var")?.metrics.first?.crit == "99")
    }

    @Test func readOnlyRemountsAgainstFstab() {
        let checks = runOnFixtures().checks
        #expect(checks.item("mount /var")?.status == .critical)
        #expect(checks.item("mount /var")?.summary == "/dev/sdb1 is mounted ro but should be rw (remounted after errors?)")
        #expect(checks.item("mount /archive")?.status == .ok)  // fstab says ro
        #expect(checks.item("mount /mnt/backup disk")?.status == .ok)
        #expect(checks.item("mount /boot/efi") == nil)  // not a disk filesystem we judge
    }

    @Test func raidArrays() {
        let checks = runOnFixtures().checks
        #expect(checks.item("raid md1")?.status == .critical)
        #expect(checks.item("raid md1")?.summary == "md1 raid1 degraded: 1 of 2 members up [U_], failed member sdb1")
        #expect(checks.item("raid md0")?.status == .warning)
        #expect(checks.item("raid md0")?.summary.contains("resync = 28.5%") == true)
        #expect(checks.item("raid md2")?.status == .ok)
    }

    @Test func smartHealth() {
        let checks = runOnFixtures().checks
        #expect(checks.item("smart sda")?.status == .ok)
        #expect(checks.item("smart sdb")?.status == .critical)
        #expect(checks.item("smart sdb")?.summary.contains("Reallocated_Sector_Ct") == true)
        #expect(checks.item("smart sdc")?.status == .ok)  // SAS wording
        #expect(checks.item("smart vda")?.status == .unknown)  // real smartctl output on a virtio disk
        #expect(checks.item("smart vda")?.summary.contains("Unable to detect device type") == true)
    }

    @Test func kernelIOErrors() {
        let io = runOnFixtures().checks.item("kernel io")
        #expect(io?.status == .warning)
        #expect(io?.metrics.first?.value == 3)
        #expect(
            io?.summary.hasSuffix("last: EXT4-fs error (device sdb1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0")
                == true)
    }

    @Test func theRulesTurnFindingsIntoARecommendation() {
        let outcome = runOnFixtures()
        let recommendation = TriageEngine.recommend(outcome.checks, rules: ["disk": disk.rules])
        #expect(recommendation.onsite)
        #expect(recommendation.tier == 2)
        let flagged = recommendation.reasons.map { "\($0.flag.rawValue) \($0.item)" }
        #expect(flagged.contains("onsite smart sdb") && flagged.contains("onsite raid md1") && flagged.contains("onsite raid md0"))
        #expect(flagged.contains("tier fs /var") && flagged.contains("tier mount /var") && flagged.contains("tier kernel io"))
        #expect(!flagged.contains { $0.hasSuffix("smart vda") })  // unknown is not a failure to act on
        let smart = recommendation.reasons.first { $0.item == "smart sdb" }
        #expect(smart?.reason.hasPrefix("Disk reports SMART failure: hardware replacement on site (disk smart sdb: critical,") == true)
    }

    /// GNU df's --output (one df for space and inodes) and `df -P` / `df -Pi` (busybox's way, and
    /// the saved outputs') give the same items on this machine.
    @Test func dfOutputAndPosixDfAgree() throws {
        let folder = try TempFolder()
        try Shell.run("/bin/sh", ["-c", "df -P > \(folder.path)/df.txt; df -Pi > \(folder.path)/dfi.txt"])
        let posix = PluginRunner.run(
            [disk],
            transport: SourcedTransport(
                inner: LocalShell(),
                sources: [
                    "TRIAGE_SRC_DF": folder.path + "/df.txt", "TRIAGE_SRC_DFI": folder.path + "/dfi.txt",
                ]))
        let output = PluginRunner.run([disk], transport: LocalShell())
        let usage = { (checks: [CheckResult]) in
            checks.filter { $0.item.hasPrefix("fs ") || $0.item.hasPrefix("inodes ") }.map { "\($0.item) \($0.status.rawValue)" }.sorted()
        }
        #expect(!usage(output.checks).isEmpty)
        #expect(usage(output.checks) == usage(posix.checks))
    }

    @Test func onThisMachineForReal() {
        let outcome = PluginRunner.run([disk], transport: LocalShell())
        #expect(outcome.errors.isEmpty)
        let root = outcome.checks.item("fs /")
        #expect(root != nil)
        #expect(root?.metrics.first?.value.map { (0...100).contains($0) } == true)
        #expect(outcome.checks.allSatisfy { $0.item != "output" })  // every line parsed
    }
}
