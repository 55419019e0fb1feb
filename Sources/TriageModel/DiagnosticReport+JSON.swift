#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DiagnosticReport {
    /// The report as `encoder` writes it — sorted keys, ISO-8601 dates, no escaped slashes, absent
    /// optionals left out; a metric value that is not a finite number (`NaN`, which JSON cannot
    /// hold and JSONEncoder refuses) is left out too, as a value the plugin could not give — written
    /// directly: what every push agent cycle, spool file, post and
    /// sweep line costs. JSONEncoder's generic path was 8 % of a sweep's client CPU.
    /// `DiagnosticReportJSONTests` hold the two equal.
    public var json: [UInt8] {
        var out = JSONWriter()
        out.object {
            $0.field("agentVersion") { $0.string(agentVersion) }
            $0.field("checks") { writer in writer.array(checks) { writer, check in check.write(to: &writer) } }
            $0.field("durationMs") { $0.integer(durationMs) }
            $0.field("errors") { writer in writer.array(errors) { writer, error in error.write(to: &writer) } }
            $0.field("host") { $0.string(host) }
            $0.field("id") { $0.string(id.uuidString) }
            $0.field("recommendation") { recommendation.write(to: &$0) }
            $0.field("startedAt") { $0.string(startedAt.formatted(.iso8601)) }
            $0.field("status") { $0.string(status.rawValue) }
        }
        return out.bytes
    }
}

extension CheckResult {
    fileprivate func write(to out: inout JSONWriter) {
        out.object {
            $0.field("durationMs") { $0.integer(durationMs) }
            $0.field("item") { $0.string(item) }
            if let longOutput { $0.field("longOutput") { $0.string(longOutput) } }
            $0.field("metrics") { writer in writer.array(metrics) { writer, metric in metric.write(to: &writer) } }
            $0.field("plugin") { $0.string(plugin) }
            if let skills { $0.field("skills") { writer in writer.array(skills) { $0.string($1) } } }
            $0.field("status") { $0.string(status.rawValue) }
            $0.field("summary") { $0.string(summary) }
        }
    }
}

extension Metric {
    fileprivate func write(to out: inout JSONWriter) {
        out.object {
            if let crit { $0.field("crit") { $0.string(crit) } }
            if let max, max.isFinite { $0.field("max") { $0.number(max) } }
            if let min, min.isFinite { $0.field("min") { $0.number(min) } }
            $0.field("name") { $0.string(name) }
            if let unit { $0.field("unit") { $0.string(unit) } }
            if let value, value.isFinite { $0.field("value") { $0.number(value) } }
            if let warn { $0.field("warn") { $0.string(warn) } }
        }
    }
}

extension Recommendation {
    fileprivate func write(to out: inout JSONWriter) {
        out.object {
            $0.field("onsite") { $0.boolean(onsite) }
            $0.field("reasons") { writer in writer.array(reasons) { writer, reason in reason.write(to: &writer) } }
            if let tier { $0.field("tier") { $0.integer(tier) } }
            $0.field("vendors") { writer in writer.array(vendors) { $0.string($1) } }
        }
    }
}

extension Recommendation.Reason {
    fileprivate func write(to out: inout JSONWriter) {
        out.object {
            $0.field("flag") { $0.string(flag.rawValue) }
            $0.field("item") { $0.string(item) }
            $0.field("plugin") { $0.string(plugin) }
            $0.field("reason") { $0.string(reason) }
            if let tier { $0.field("tier") { $0.integer(tier) } }
            if let vendor { $0.field("vendor") { $0.string(vendor) } }
        }
    }
}

extension ReportError {
    fileprivate func write(to out: inout JSONWriter) {
        out.object {
            $0.field("message") { $0.string(message) }
            if let plugin { $0.field("plugin") { $0.string(plugin) } }
        }
    }
}

/// JSON text, appended value by value; fields are written in the order given (sorted by the caller).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init() { bytes.reserveCapacity(4096) }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        first = true
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    mutating func field(_ name: String, _ value: (inout JSONWriter) -> Void) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
        value(&self)
        first = false
    }

    mutating func array<Element>(_ elements: [Element], _ write: (inout JSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func integer(_ value: Int) { bytes += Array(String(value).utf8) }

    mutating func boolean(_ value: Bool) { bytes += Array((value ? "true" : "false").utf8) }

    /// A whole number without a fraction (96, not 96.0), else Swift's shortest round-tripping form.
    mutating func number(_ value: Double) {
        if value.rounded() == value, abs(value) < 1e15 {
            bytes += Array(String(Int64(value)).utf8)
        } else {
            bytes += Array("\(value)".utf8)
        }
    }
}
