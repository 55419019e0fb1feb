import Foundation

/// A folder under the system temp directory, removed with everything in it on deinit.
public final class TempFolder: @unchecked Sendable {
    public let path: String

    public init() throws {
        let template = NSTemporaryDirectory() + "triage-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw TestSupportError("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
