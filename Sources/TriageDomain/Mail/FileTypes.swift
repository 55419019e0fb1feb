/// Content types of files as Triage keeps them: a clean `type/subtype` or `application/octet-stream`.
/// Served files are always downloads (docs/mail.md, "Attachments"), whatever their type says.
package enum FileTypes {
    package static func safeType(_ declared: String?, name: String) -> String {
        let type = (declared ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let parts = type.split(separator: "/")
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.+-_")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) }) else {
            return "application/octet-stream"
        }
        return type
    }
}
