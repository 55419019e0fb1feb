import CLibSSH2

extension Session {
    /// Opens a session channel under `deadline`.
    func openChannel(deadline: Deadline) async throws(SSHError) -> Channel {
        guard let result = await retryPointer(until: deadline, { triage_channel_open_session(raw) }) else {
            throw SSHError(host: label, phase: .exec, code: .timedOut, "the server did not open a channel within \(deadline.budgetText)")
        }
        switch result {
        case .success(let pointer): return Channel(session: self, raw: pointer)
        case .failure:
            throw SSHError(host: label, phase: .exec, code: .channelFailure, "the server refused to open a channel: \(lastError)")
        }
    }
}

extension Channel {
    /// Starts `request.command`, feeds it stdin while draining stdout and stderr together (so
    /// neither side can fill a window and stall the other), and waits for its exit.
    /// A timeout is not an error: the result says `timedOut` and keeps what was read.
    func exec(_ request: ExecRequest, deadline: Deadline?, started: ContinuousClock.Instant) async throws(SSHError) -> ExecResult {
        // Without a command timeout, waits are still bounded, one generous day at a time.
        let limit = deadline ?? Deadline(after: .seconds(86_400))
        let label = session.label
        guard let rc = await session.retry(until: limit, { triage_channel_exec(raw, ProcessGroupMarker.wrap(request.command)) }) else {
            return await finishTimedOut(ExecResult(), pgid: nil, started: started)
        }
        guard rc == 0 else {
            throw SSHError(host: label, phase: .exec, code: .channelFailure, "the server refused to run the command: \(session.lastError)")
        }

        var stdout = CappedBuffer(limit: request.outputLimit, sink: request.stdoutSink)
        var stderr = CappedBuffer(limit: request.outputLimit + ProcessGroupMarker.maxLength)
        var written = 0
        var stdinOpen = true
        var buffer = [UInt8](repeating: 0, count: 32 << 10)

        while true {
            var progressed = false
            if stdinOpen {
                if written < request.stdin.count {
                    let n = request.stdin.withUnsafeBufferPointer { input in
                        input.withMemoryRebound(to: CChar.self) {
                            triage_channel_write(raw, $0.baseAddress! + written, $0.count - written)
                        }
                    }
                    if n > 0 {
                        written += n
                        progressed = true
                    } else if n != LIBSSH2_ERROR_EAGAIN {
                        stdinOpen = false  // the command closed its stdin or exited: stop feeding it
                    }
                }
                if stdinOpen && written == request.stdin.count {
                    let eof = libssh2_channel_send_eof(raw)
                    if eof != LIBSSH2_ERROR_EAGAIN {
                        stdinOpen = false
                        progressed = true
                    }
                }
            }
            let outEnded = try drain(stream: 0, into: &stdout, buffer: &buffer, progressed: &progressed, watch: request.watch)
            let errEnded = try drain(stream: 1, into: &stderr, buffer: &buffer, progressed: &progressed)
            if outEnded && errEnded { break }
            if progressed || hasBuffered { continue }
            // The watch may stop the command before its own deadline (a plugin past its timeout).
            var until = limit
            if let early = request.watch?.deadline, early < limit.instant { until = Deadline(at: early, budget: limit.budget) }
            if await !session.wait(until: until) {
                return await finishTimedOut(
                    output(stdout, stderr, limit: request.outputLimit),
                    pgid: ProcessGroupMarker.find(in: stderr.bytes)?.pgid, started: started)
            }
        }

        var result = output(stdout, stderr, limit: request.outputLimit)
        // exit-status / exit-signal arrive around EOF; waiting for the close makes sure they are in.
        var closed = await session.retry(until: limit, { libssh2_channel_close(raw) }) != nil
        if closed { closed = await session.retry(until: limit, { libssh2_channel_wait_closed(raw) }) != nil }
        if !closed { return await finishTimedOut(result, pgid: nil, started: started) }
        result.exitSignal = exitSignal()
        result.exitStatus = result.exitSignal == nil ? libssh2_channel_get_exit_status(raw) : nil
        result.duration = started.duration(to: .now)
        return result
    }

    /// Whether libssh2 already holds input for this channel that no read has taken yet. Reading
    /// one stream can pull the other stream's data — or the EOF — off the socket into libssh2's
    /// buffers; polling the socket then would wait for bytes that never come (a hang seen once in
    /// 20 commands over one connection).
    private var hasBuffered: Bool {
        libssh2_poll_channel_read(raw, 0) != 0 || libssh2_poll_channel_read(raw, 1) != 0 || libssh2_channel_eof(raw) != 0
    }

    /// Reads one stream until libssh2 has nothing more now. True when the stream has ended
    /// (the server sent EOF); throws when the connection broke.
    private func drain(
        stream: Int32, into sink: inout CappedBuffer, buffer: inout [UInt8], progressed: inout Bool,
        watch: (any StreamWatch)? = nil
    ) throws(SSHError) -> Bool {
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { triage_channel_read(raw, stream, $0.baseAddress, $0.count) }
            }
            if n > 0 {
                buffer.withUnsafeBufferPointer { bytes in
                    let chunk = UnsafeBufferPointer(rebasing: bytes.prefix(n))
                    watch?.observe(UnsafeRawBufferPointer(chunk))
                    sink.append(chunk)
                }
                progressed = true
            } else if n == LIBSSH2_ERROR_EAGAIN {
                return false
            } else if n == 0 {
                return libssh2_channel_eof(raw) != 0
            } else {
                throw SSHError(
                    host: session.label, phase: .exec, code: .connectionLost,
                    "the connection broke while the command ran: \(session.lastError)")
            }
        }
    }

    /// The streams as the caller sees them: marker removed, each within its limit.
    private func output(_ stdout: CappedBuffer, _ stderr: CappedBuffer, limit: Int) -> ExecResult {
        var result = ExecResult()
        (result.stdout, result.stdoutTruncated) = (stdout.bytes, stdout.truncated)
        result.stderr = stderr.bytes
        ProcessGroupMarker.strip(&result.stderr)
        result.stderrTruncated = stderr.truncated || result.stderr.count > limit
        if result.stderr.count > limit { result.stderr.removeLast(result.stderr.count - limit) }
        return result
    }

    /// After a deadline: kill the command's process group from a second channel, then close
    /// this one. Each step gets a moment, not more: a host that stopped answering must not
    /// hold the caller past its timeout for long.
    private func finishTimedOut(_ partial: ExecResult, pgid: Int?, started: ContinuousClock.Instant) async -> ExecResult {
        var result = partial
        result.timedOut = true
        let grace = Deadline(after: .milliseconds(500))
        if let pgid, let killer = try? await session.openChannel(deadline: grace) {
            let command = ProcessGroupMarker.killCommand(pgid: pgid)
            if await session.retry(until: grace, { triage_channel_exec(killer.raw, command) }) == 0,
                await session.retry(until: grace, { libssh2_channel_wait_eof(killer.raw) }) == 0
            {
                _ = await session.retry(until: grace) { libssh2_channel_close(killer.raw) }
                _ = await session.retry(until: grace) { libssh2_channel_wait_closed(killer.raw) }
                result.stopped = libssh2_channel_get_exit_status(killer.raw) == 0
            }
        }
        _ = await session.retry(until: grace) { libssh2_channel_close(raw) }
        if result.stopped { _ = await session.retry(until: grace) { libssh2_channel_wait_closed(raw) } }
        result.duration = started.duration(to: .now)
        return result
    }

    private func exitSignal() -> String? {
        var name: UnsafeMutablePointer<CChar>?
        var nameLength = 0
        guard libssh2_channel_get_exit_signal(raw, &name, &nameLength, nil, nil, nil, nil) == 0, let name else { return nil }
        defer { libssh2_free(session.raw, name) }
        let text = String(decoding: UnsafeRawBufferPointer(start: name, count: nameLength), as: UTF8.self)
        return text.isEmpty ? nil : text
    }
}
