import TriageSSH

/// Follows a bundle's markers in its stdout as the bytes arrive: which plugin is running and the
/// deadline its timeout gives it. The transport running the bundle stops the run there.
///
/// Unchecked Sendable: one transport feeds it from the one thread running the bundle.
final class BundleWatch: StreamWatch, @unchecked Sendable {
    private let begin: [UInt8]
    private let end: [UInt8]
    private let timeouts: [Duration]
    /// The bytes from the last marker start (0x1E) not yet followed by a line end.
    private var pending: [UInt8] = []
    private var running: (index: Int, since: ContinuousClock.Instant)?

    init(token: String, timeouts: [Duration]) {
        begin = Array("\u{1e}\(token) begin ".utf8)
        end = Array("\u{1e}\(token) end ".utf8)
        self.timeouts = timeouts
    }

    var deadline: ContinuousClock.Instant? {
        running.map { $0.since.advanced(by: timeouts[$0.index]) }
    }

    func observe(_ chunk: UnsafeRawBufferPointer) {
        for byte in chunk {
            guard byte == 0x1e || !pending.isEmpty else { continue }
            if byte == 0x1e { pending = [] }
            pending.append(byte)
            if byte == UInt8(ascii: "\n") {
                marker(pending.dropLast())
                pending = []
            } else if pending.count > begin.count + 64 {
                pending = []  // no marker of ours is that long
            }
        }
    }

    private func marker(_ line: ArraySlice<UInt8>) {
        if line.starts(with: begin), let index = Int(String(decoding: line.dropFirst(begin.count), as: UTF8.self)),
            timeouts.indices.contains(index)
        {
            running = (index, .now)
        } else if line.starts(with: end), let number = line.dropFirst(end.count).split(separator: UInt8(ascii: " ")).first,
            Int(String(decoding: number, as: UTF8.self)) == running?.index
        {
            running = nil
        }
    }
}
