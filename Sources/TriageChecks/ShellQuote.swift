#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Quoting for values that reach a plugin script as shell assignments (`TRIAGE_X='…'`).
/// Every value is single-quoted and each `'` inside becomes `'\''`, so a value holding
/// `'`, `;`, `$()`, backquotes or newlines stays data and can never become code.
public enum ShellQuote {
    public static func quote(_ value: String) -> String {
        "'" + value.replacingLiteral("'", with: #"'\''"#) + "'"
    }

    /// `TRIAGE_<NAME>=<quoted value>` for a plugin parameter; nil when the name would not be a
    /// valid shell variable (letters, digits and `_`, not starting with a digit).
    public static func assignment(parameter name: String, value: String) -> String? {
        let variable = "TRIAGE_" + name.uppercased()
        let valid =
            !name.isEmpty && name.first?.isNumber == false
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        return valid ? "\(variable)=\(quote(value))" : nil
    }
}
