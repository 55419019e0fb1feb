import Foundation

/// `text/plain; format=flowed` (RFC 3676): lines ending in a space continue on the next line of the
/// same quote depth; space-stuffing is undone; `delsp=yes` drops the space at the joint.
package enum MIMEFlowedText {
    package static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var lines: [String] = []
        var paragraph: String?
        var paragraphDepth = 0
        func prefix(_ depth: Int) -> String { depth == 0 ? "" : String(repeating: ">", count: depth) + " " }
        func flush() {
            if let current = paragraph { lines.append(prefix(paragraphDepth) + current) }
            paragraph = nil
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(raw)
            var depth = 0
            while line.first == ">" {
                depth += 1
                line = line.dropFirst()
            }
            if line.first == " " { line = line.dropFirst() }  // space-stuffing
            let flowed = line != "-- " && line.hasSuffix(" ")
            var content = String(line)
            if flowed && deleteSpace { content.removeLast() }
            if paragraph != nil && paragraphDepth != depth { flush() }
            paragraph = (paragraph ?? "") + content
            paragraphDepth = depth
            if !flowed { flush() }
        }
        flush()
        return lines.joined(separator: "\n")
    }
}
