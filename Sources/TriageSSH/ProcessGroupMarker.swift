/// How a timed-out command is stopped on the host.
///
/// libssh2 1.10 cannot send the RFC 4254 "signal" request (it refuses a second request on a
/// channel that has started a command; 1.11 adds libssh2_channel_signal), and closing the
/// channel does not end a command that ignores its pipes (`sleep 30` runs on). So every
/// command first prints its process group to stderr — sshd makes each session's shell a
/// session and group leader — and on timeout a second channel runs `kill -KILL -PGID`,
/// which is what OpenSSH's own "signal" handling does (killpg). The marker is removed from
/// stderr before anyone sees it.
enum ProcessGroupMarker {
    private static let head = Array("\u{1e}triage-pgid:".utf8)
    private static let tail = UInt8(0x1e)
    /// The marker is at most this long: head, up to 10 digits, tail, newline.
    static let maxLength = 32

    /// The command with the marker in front; `$$` is the session leader's PID.
    static func wrap(_ command: String) -> String {
        #"printf '\036triage-pgid:%s\036\n' "$$" >&2; "# + command
    }

    /// The remote command that ends the whole group (children included). No `--`: dash's
    /// builtin kill rejects it, and `-KILL -PGID` means the group in dash and bash alike.
    static func killCommand(pgid: Int) -> String {
        "kill -KILL -\(pgid) 2>/dev/null || kill -KILL \(pgid)"
    }

    /// Finds the marker (normally the first bytes; shell start-up noise may precede it). A
    /// candidate that is not a marker we could have printed — no digits, more than 10, past
    /// pid_t's range, no closing byte — is skipped: a host's start-up files must not be able to
    /// crash the client with a huge number or hide the real marker behind a false one.
    static func find(in stderr: [UInt8]) -> (pgid: Int, range: Range<Int>)? {
        let window = stderr.prefix(4096)
        guard window.count >= head.count else { return nil }
        for start in 0...(window.count - head.count) where window[start..<start + head.count].elementsEqual(head) {
            var index = start + head.count
            var pgid = 0
            while index < window.count, index - start - head.count < 10, (48...57).contains(window[index]) {
                pgid = pgid * 10 + Int(window[index] - 48)
                index += 1
            }
            guard index < window.count, window[index] == tail, pgid > 1, pgid <= Int(Int32.max) else { continue }
            let end = index + 1 < window.count && window[index + 1] == UInt8(ascii: "\n") ? index + 2 : index + 1
            return (pgid, start..<end)
        }
        return nil
    }

    /// Removes the marker from stderr.
    static func strip(_ stderr: inout [UInt8]) {
        if let found = find(in: stderr) { stderr.removeSubrange(found.range) }
    }
}
