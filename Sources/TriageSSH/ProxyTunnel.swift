import CLibSSH2
import Dispatch

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// ProxyJump: a `direct-tcpip` channel through a bastion, presented to the target's session as
/// an ordinary socket. One end of a socketpair goes to the target session; a pump thread owns
/// the bastion session and copies bytes between the other end and the channel until either
/// side closes. The bastion session is used by that thread only, and freed by it.
///
/// The target session waits for the pump thread to end when it closes (`Tunnel.waitForEnd`):
/// otherwise a process that exits right after its command can run libssh2's and OpenSSL's
/// exit-time cleanup while the pump still uses them (a crash in pthread_rwlock_wrlock, about
/// one run in 20 of `triage-agent exec` through a jump host).
enum ProxyTunnel {
    /// The target's end of the tunnel and a way to wait until the pump thread has finished.
    final class Tunnel: Sendable {
        let socket: Int32
        private let ended = DispatchSemaphore(value: 0)

        fileprivate init(socket: Int32) { self.socket = socket }

        fileprivate func markEnded() { ended.signal() }

        /// Blocks until the pump has stopped and freed the bastion's channel and session. Call
        /// after the target's end of the socket is closed: that is what tells the pump to stop.
        /// The pump gives the bastion at most 5 s to close its side, so this wait is bounded.
        func waitForEnd() {
            ended.wait()
            ended.signal()  // later waits return at once
        }
    }

    static func open(
        through bastion: Session, bastionLabel: String, to host: String, port: Int,
        label: String, deadline: Deadline
    ) async throws(SSHError) -> Tunnel {
        guard let result = await bastion.retryPointer(until: deadline, { triage_channel_direct_tcpip(bastion.raw, host, Int32(port)) })
        else {
            throw SSHError(
                host: label, phase: .proxy, code: .timedOut,
                "jump host \(bastionLabel) did not open a tunnel to \(host):\(port) within \(deadline.budgetText)")
        }
        let channel: Channel
        switch result {
        case .success(let pointer): channel = Channel(session: bastion, raw: pointer)
        case .failure:
            throw SSHError(
                host: label, phase: .proxy, code: .unreachable,
                "jump host \(bastionLabel) could not connect to \(host):\(port): \(bastion.lastError)")
        }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds) == 0
        else {
            throw SSHError(host: label, phase: .proxy, code: .unreachable, "cannot create the tunnel's socket pair: \(errnoText())")
        }
        let tunnel = Tunnel(socket: fds[0])
        let handOff = HandOff(channel: channel, socket: fds[1])
        POSIX.startThread {
            pump(handOff)
            tunnel.markEnded()
        }
        return tunnel
    }

    /// Runs the pump and frees the bastion's channel and session before it returns: the thread's
    /// closure (which Foundation releases only at thread exit) keeps nothing of them.
    private static func pump(_ handOff: HandOff) {
        guard let channel = handOff.take() else { return }
        Pump(channel: channel, socket: handOff.socket).run()
    }

    /// The channel on its way to the pump thread, taken out there so that only the pump holds it.
    /// @unchecked Sendable: made on the opening thread, then used only by the pump thread.
    private final class HandOff: @unchecked Sendable {
        private var channel: Channel?
        let socket: Int32

        init(channel: Channel, socket: Int32) {
            self.channel = channel
            self.socket = socket
        }

        func take() -> Channel? {
            defer { channel = nil }
            return channel
        }
    }

    /// Copies bytes both ways between the local socket and the channel.
    /// @unchecked Sendable: handed to the pump thread at creation and used only there after.
    private final class Pump: @unchecked Sendable {
        private let channel: Channel
        private let socket: Int32
        private var toChannel: [UInt8] = []
        private var toSocket: [UInt8] = []
        private var socketEOF = false, channelEOF = false, eofSent = false

        init(channel: Channel, socket: Int32) {
            self.channel = channel
            self.socket = socket
        }

        func run() {
            defer { close(socket) }
            var chunk = [UInt8](repeating: 0, count: 32 << 10)
            // Once the target's side has closed, the bastion gets a few seconds to close too.
            var closing: Deadline?
            while !(socketEOF && channelEOF) {
                if eofSent && closing == nil { closing = Deadline(after: .seconds(5)) }
                if closing?.hasPassed == true { return }
                var progressed = false
                if toChannel.isEmpty && !socketEOF {
                    let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                    if n > 0 {
                        toChannel += chunk[0..<n]
                        progressed = true
                    } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                        socketEOF = true
                        progressed = true
                    }
                }
                if !toChannel.isEmpty {
                    let n = toChannel.withUnsafeBytes {
                        triage_channel_write(channel.raw, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                    }
                    if n > 0 {
                        toChannel.removeFirst(n)
                        progressed = true
                    } else if n != LIBSSH2_ERROR_EAGAIN {
                        return
                    }
                }
                if socketEOF && toChannel.isEmpty && !eofSent {
                    let rc = libssh2_channel_send_eof(channel.raw)
                    if rc != LIBSSH2_ERROR_EAGAIN {
                        eofSent = true
                        progressed = true
                    }
                }
                if toSocket.isEmpty && !channelEOF {
                    let n = chunk.withUnsafeMutableBytes {
                        triage_channel_read(channel.raw, 0, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                    }
                    if n > 0 {
                        toSocket += chunk[0..<n]
                        progressed = true
                    } else if n == 0 && libssh2_channel_eof(channel.raw) != 0 {
                        channelEOF = true
                        progressed = true
                    } else if n < 0 && n != LIBSSH2_ERROR_EAGAIN {
                        return
                    }
                }
                if !toSocket.isEmpty {
                    let n = toSocket.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n > 0 {
                        toSocket.removeFirst(n)
                        progressed = true
                    } else if n < 0 && errno != EAGAIN && errno != EINTR {
                        return
                    }
                }
                if channelEOF && toSocket.isEmpty { shutdown(socket, Int32(SHUT_WR)) }
                // Data libssh2 already read off the bastion's socket would not wake the poll.
                if !progressed && libssh2_poll_channel_read(channel.raw, 0) == 0 { waitForEither() }
            }
        }

        /// Sleeps until the local socket or the bastion's socket has something to do.
        private func waitForEither() {
            let session = channel.session
            SocketOptions.armQuickAck(session.socket)
            var local: Int16 = 0
            if toChannel.isEmpty && !socketEOF { local |= Int16(POLLIN) }
            if !toSocket.isEmpty { local |= Int16(POLLOUT) }
            var remote = Int16(POLLIN)
            if libssh2_session_block_directions(session.raw) & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { remote |= Int16(POLLOUT) }
            var fds = [pollfd(fd: socket, events: local, revents: 0), pollfd(fd: session.socket, events: remote, revents: 0)]
            _ = poll(&fds, 2, 1000)
        }
    }
}
