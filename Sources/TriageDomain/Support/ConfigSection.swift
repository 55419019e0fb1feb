/// Checks shared by the sections of the configuration file.
package enum ConfigSection {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A key the section does not know is an error that names the ones it does, not a silent typo.
    package static func refuseUnknownKeys(in decoder: any Decoder, section: String, known: [String]) throws {
        for key in try decoder.container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
            throw CoordinatorError(
                .configuration, "\(section): unknown key \(key.stringValue) (\(known.joined(separator: ", ")))")
        }
    }
}
