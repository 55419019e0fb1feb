import TriageModel
import TriageSSH

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Reports waiting for the coordinator, one file each, delivered oldest first.
///
/// A report is on disk (written, fsynced and renamed into place) before anyone tries to send
/// it, so a crash or a power cut loses nothing that was made. The spool is bounded by count and
/// bytes: beyond either, the oldest reports are dropped and counted; the count survives restarts
/// (file `dropped`). A file that no longer decodes, or that the coordinator refused, is moved to
/// `rejected/` under its own number (numbers are never reused while a file with that number
/// exists, so nothing there is overwritten) and skipped; `rejected/` keeps the newest
/// `maxRejected`.
public final class Spool {
    public struct Limits: Sendable, Equatable {
        public var maxReports: Int
        public var maxBytes: Int
        public var maxRejected: Int

        public init(maxReports: Int = 1000, maxBytes: Int = 10 << 20, maxRejected: Int = 100) {
            self.maxReports = maxReports
            self.maxBytes = maxBytes
            self.maxRejected = maxRejected
        }
    }

    public struct Entry: Equatable, Sendable {
        public let sequence: UInt64
        public let bytes: Int
        /// Twenty digits, so that names sort as numbers.
        var name: String {
            let digits = String(sequence)
            return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".json"
        }
    }

    public let folder: String
    public let limits: Limits
    private var entries: [Entry] = []
    /// Numbers in `rejected/`, oldest first.
    private var rejected: [UInt64] = []
    /// The number the next report gets: past every number in the spool and in `rejected/`.
    private var next: UInt64 = 1
    /// Reports dropped from this spool since it was created, oldest first.
    public private(set) var dropped = 0

    public init(folder: String, limits: Limits = Limits()) throws(SpoolError) {
        self.folder = folder
        self.limits = limits
        do {
            try FileManager.default.createDirectory(
                atPath: folder + "/rejected", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                if name.hasPrefix(".tmp-") { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
                guard let sequence = Self.sequence(name) else { continue }
                let size = (try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0
                entries.append(Entry(sequence: sequence, bytes: size))
            }
            rejected = try FileManager.default.contentsOfDirectory(atPath: folder + "/rejected").compactMap(Self.sequence).sorted()
        } catch {
            throw SpoolError("spool folder \(folder): \(error)")
        }
        entries.sort { $0.sequence < $1.sequence }
        next = max(entries.last?.sequence ?? 0, rejected.last ?? 0) + 1
        let counter = (try? String(contentsOfFile: folder + "/dropped", encoding: .utf8)) ?? "0"
        dropped = Int(counter.trimmed) ?? 0
    }

    public var count: Int { entries.count }
    public var bytes: Int { entries.reduce(0) { $0 + $1.bytes } }

    /// Stores `report` after the others; drops the oldest beyond the limits and says how many.
    @discardableResult
    public func append(_ report: DiagnosticReport) throws(SpoolError) -> Int {
        let data = Data(report.json)
        let entry = Entry(sequence: next, bytes: data.count)
        try DurableFile.write(data, to: folder + "/" + entry.name)
        next += 1
        entries.append(entry)
        var dropping = 0
        var total = bytes
        while entries.count - dropping > limits.maxReports || (total > limits.maxBytes && entries.count - dropping > 1) {
            total -= entries[dropping].bytes
            dropping += 1
        }
        guard dropping > 0 else { return 0 }
        for old in entries.prefix(dropping) { unlink(folder + "/" + old.name) }
        entries.removeFirst(dropping)
        dropped += dropping
        try DurableFile.write(Data("\(dropped)\n".utf8), to: folder + "/dropped")
        return dropping
    }

    /// The oldest report; files that no longer decode are set aside on the way.
    public func first() -> (Entry, DiagnosticReport)? {
        while let entry = entries.first {
            if let data = FileManager.default.contents(atPath: folder + "/" + entry.name),
                let report = try? DiagnosticReport.decoder.decode(DiagnosticReport.self, from: data)
            {
                return (entry, report)
            }
            setAside(entry)
        }
        return nil
    }

    /// Delivered: gone from the spool.
    public func remove(_ entry: Entry) {
        unlink(folder + "/" + entry.name)
        entries.removeAll { $0 == entry }
    }

    /// The coordinator will never take it: kept in `rejected/` for a person to look at.
    public func setAside(_ entry: Entry) {
        rename(folder + "/" + entry.name, folder + "/rejected/" + entry.name)
        entries.removeAll { $0 == entry }
        rejected.append(entry.sequence)
        while rejected.count > limits.maxRejected {
            unlink(folder + "/rejected/" + Entry(sequence: rejected.removeFirst(), bytes: 0).name)
        }
    }

    private static func sequence(_ name: String) -> UInt64? {
        name.hasSuffix(".json") ? UInt64(name.dropLast(5)) : nil
    }
}

public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Writes a file so that after a crash it holds either nothing or all of `data`.
enum DurableFile {
    static func write(_ data: Data, to path: String) throws(SpoolError) {
        let folder = POSIX.folder(of: path)
        let temporary = folder + "/.tmp-" + UUID().uuidString
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError("cannot write \(path): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        let stored = written && fsync(fd) == 0
        let failure = { SpoolError("cannot write \(path): \(String(cString: strerror(errno)))") }
        close(fd)
        guard stored, rename(temporary, path) == 0 else {
            let error = failure()
            unlink(temporary)
            throw error
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
