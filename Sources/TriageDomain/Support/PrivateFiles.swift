import Foundation

/// What the coordinator keeps on disk is for its own user alone (docs/operations.md, "Files and
/// secrets"): the data folder 0700; the database, its WAL and shared-memory files, backups, the
/// admin token, the setup link and the secret key 0600. Tightened on every start, so a folder
/// made by an older triage (755, and 644 files) is fixed in place.
package enum PrivateFiles {
    package static let folderMode: mode_t = 0o700
    package static let fileMode: mode_t = 0o600

    /// Makes the folder (0700), or tightens it when `tightening` and this user owns it (a folder
    /// someone else gave the service is theirs to set: what triage writes in it is 0600 anyway).
    package static func folder(_ path: String, tightening: Bool = true) throws {
        let path = path.isEmpty ? "." : path
        if FileManager.default.fileExists(atPath: path) {
            var info = stat()
            if tightening, stat(path, &info) == 0, info.st_uid == geteuid() { try tighten(path, folderMode) }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: Int(folderMode)])
        } catch {
            throw CoordinatorError(.configuration, "cannot create the data folder \(path): \(error.localizedDescription)")
        }
    }

    /// A SQLite database file and its companions, 0600: made empty when missing, so SQLite (which
    /// gives the WAL and shared-memory files the database's mode) never makes them readable to others.
    package static func database(_ path: String) throws {
        if !FileManager.default.fileExists(atPath: path) { try createEmpty(path) }
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try tighten(file, fileMode)
        }
    }

    /// A new empty file only this user can read; fails when it exists.
    package static func createEmpty(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, fileMode)
        guard fd >= 0 else { throw CoordinatorError(.configuration, "cannot create \(path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    package static func tighten(_ path: String, _ mode: mode_t) throws {
        guard chmod(path, mode) == 0 else {
            throw CoordinatorError(
                .configuration, "cannot make \(path) private (mode \(String(mode, radix: 8))): \(String(cString: strerror(errno)))")
        }
    }
}
