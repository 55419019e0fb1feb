import Foundation
import TestSupport
import Testing

@testable import TriageSSH

/// Commands over a real sshd: scripts on stdin, both streams, statuses, signals, limits.
@Suite struct ExecTests {
    let sshd: TestSSHD
    init() throws { sshd = try TestSSHD() }

    @Test func scriptOnStdinGivesStdoutStderrAndStatus() throws {
        let connection = try sshd.connect()
        let script = "printf 'line one\\nline two\\n'\nprintf 'careful\\n' >&2\nexit 7\n"
        let result = try connection.run(ExecRequest(command: "sh -s", stdin: Array(script.utf8)))
        #expect(result.out == "line one\nline two\n")
        #expect(result.err == "careful\n")
        #expect(result.exitStatus == 7)
        #expect(result.exitSignal == nil && !result.timedOut)
        #expect(!result.stdoutTruncated && !result.stderrTruncated)
    }

    @Test func moreThanOneMebibyteOnBothStreamsInterleaved() throws {
        let connection = try sshd.connect()
        // 300 rounds of 5000 bytes out and 4000 bytes err: if the streams were read one after
        // the other, the unread one would fill its window and both sides would wait forever.
        let script = """
            i=0
            while [ $i -lt 300 ]; do
              head -c 5000 /dev/zero | tr '\\0' o
              head -c 4000 /dev/zero | tr '\\0' e >&2
              i=$((i+1))
            done
            """
        let result = try connection.run(ExecRequest(command: "sh -s", stdin: Array(script.utf8), timeout: .seconds(60)))
        #expect(result.exitStatus == 0)
        #expect(result.stdout.count == 1_500_000)
        #expect(result.stderr.count == 1_200_000)
        #expect(result.stdout.allSatisfy { $0 == UInt8(ascii: "o") })
        #expect(result.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    @Test func largeStdinComesBackUnchanged() throws {
        let connection = try sshd.connect()
        var generator = SystemRandomNumberGenerator()
        let input = (0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let result = try connection.run(ExecRequest(command: "cat", stdin: input, timeout: .seconds(60)))
        #expect(result.exitStatus == 0)
        #expect(result.stdout == input)
    }

    @Test func deathBySignalIsReportedAsTheSignal() throws {
        let connection = try sshd.connect()
        let result = try connection.run(ExecRequest(command: "sh -s", stdin: Array("echo before\nkill -TERM $$\necho after\n".utf8)))
        #expect(result.out == "before\n")
        #expect(result.exitSignal == "TERM")
        #expect(result.exitStatus == nil)
        #expect(result.shellStatus == 143)
    }

    @Test func outputBeyondTheLimitIsCutAndMarked() throws {
        let connection = try sshd.connect()
        let result = try connection.run(ExecRequest(command: "head -c 5000 /dev/zero; head -c 3000 /dev/zero >&2", outputLimit: 1000))
        #expect(result.stdout.count == 1000 && result.stdoutTruncated)
        #expect(result.stderr.count == 1000 && result.stderrTruncated)
        #expect(result.exitStatus == 0)
    }

    @Test func theProcessGroupMarkerNeverReachesTheCaller() throws {
        let connection = try sshd.connect()
        let result = try connection.run(ExecRequest(command: "echo only-this >&2"))
        #expect(result.err == "only-this\n")
    }

    @Test func aTimedOutCommandIsKilledOnTheHostAndTheConnectionStaysUsable() throws {
        let connection = try sshd.connect()
        let marker = "30.\(Int.random(in: 1000...9999))"
        let result = try connection.run(ExecRequest(command: "echo started; sleep \(marker); echo never", timeout: .seconds(1)))
        #expect(result.timedOut)
        #expect(result.stopped)
        #expect(result.out == "started\n")
        #expect(result.duration < .seconds(10), "sleep 30 was cut by the 1 s timeout")
        // The host is this machine: the sleep must be gone, not left running for 30 s.
        let survivors = try Shell.run("/usr/bin/pgrep", ["-f", "sleep \(marker)"])
        #expect(survivors.stdout.isEmpty)

        let next = try connection.run(ExecRequest(command: "echo still here"))
        #expect(next.out == "still here\n" && next.exitStatus == 0)
    }

    @Test func manyCommandsOverOneConnection() throws {
        let connection = try sshd.connect()
        for index in 0..<20 {
            let result = try connection.run(ExecRequest(command: "echo \(index); exit \(index % 4)"))
            #expect(result.out == "\(index)\n")
            #expect(result.exitStatus == Int32(index % 4))
        }
    }
}
