import Foundation
import TriageDomain
import TriageEdge
import TriageModel

/// The board's forms for inventory records: one description per kind of record, which renders
/// the form (filled with a record's values to edit it) and turns what the form sent into the same
/// JSON the API takes, so the API's checks and its sentences apply to the board unchanged.
struct InventoryForm {
    enum Input {
        case text, email, tel, number, hidden, note, checkbox
        case choice([String])
        /// Comma-separated words (tags, skills).
        case words
        /// One entry per line, in `LineFormat`.
        case lines(LineFormat)
    }

    enum LineFormat {
        /// "1 08:00-17:00": ISO weekday (1 = Monday) and hours, into `{weekday, <from>, <to>}`.
        case weekdayHours(from: String, to: String)
        /// "2026-12-21 2027-01-03 holiday" (first and last day) or "2026-12-21T13:00 2026-12-21T17:00
        /// dentist", in the record's own time zone unless a time says its offset: from, to, why.
        case absence
        /// "backup: Acme Backup Inc.": service and vendor.
        case vendorService
        /// "disk.warning = 80": plugin, parameter and value.
        case pluginParameter
    }

    struct Field {
        let name: String
        let label: String
        let input: Input
        var hint: String? = nil
    }

    let kind: RecordKind
    let fields: [Field]

    /// The id of the form that adds a record of `kind` (`id` nil) or changes record `id`.
    static func formId(_ kind: RecordKind, _ id: Int?) -> String {
        id.map { "edit-\(kind.rawValue)-\($0)" } ?? "new-\(kind.rawValue)"
    }

    static func of(_ kind: RecordKind) -> InventoryForm {
        switch kind {
        case .customer:
            InventoryForm(
                kind: kind,
                fields: [
                    Field(name: "name", label: "Name", input: .text), Field(name: "contactEmail", label: "Main email", input: .email),
                    Field(name: "contactPhone", label: "Main phone", input: .tel), Field(name: "notes", label: "Notes", input: .note),
                    Field(
                        name: "mailDomains", label: "Verified mail domains", input: .words,
                        hint: "separated by commas, e.g. acme.example: mail from anyone there opens this customer's tickets"),
                ])
        case .contact:
            InventoryForm(
                kind: kind,
                fields: [
                    Field(name: "customerId", label: "Customer", input: .hidden), Field(name: "name", label: "Name", input: .text),
                    Field(name: "email", label: "Email", input: .email), Field(name: "phone", label: "Phone", input: .tel),
                    Field(
                        name: "undeliverable", label: "Mail to this email bounced", input: .text,
                        hint: "what the bounce said; empty it once the address works again, and replies go to it again"),
                ])
        case .site:
            InventoryForm(
                kind: kind,
                fields: [
                    Field(name: "customerId", label: "Customer", input: .hidden), Field(name: "name", label: "Name", input: .text),
                    Field(name: "address", label: "Address", input: .text), Field(name: "region", label: "Region", input: .text),
                    Field(name: "timeZone", label: "Time zone", input: .text, hint: "an IANA name such as Europe/Berlin"),
                    Field(
                        name: "openingHours", label: "Opening hours", input: .lines(.weekdayHours(from: "opens", to: "closes")),
                        hint: "one line per day: weekday (1 = Monday … 7 = Sunday) and hours, e.g. 1 08:00-17:00; none: always open"),
                ])
        case .host:
            InventoryForm(
                kind: kind,
                fields: [
                    Field(name: "siteId", label: "Site", input: .hidden), Field(name: "name", label: "Name", input: .text),
                    Field(name: "address", label: "Address (for SSH)", input: .text),
                    Field(name: "criticality", label: "Criticality", input: .choice(HostFields.Criticality.allCases.map(\.rawValue))),
                    Field(name: "tags", label: "Tags", input: .words, hint: "separated by commas"),
                    Field(
                        name: "vendorServices", label: "Vendor services", input: .lines(.vendorService),
                        hint: "one per line: service: vendor, e.g. backup: Acme Backup Inc."),
                    Field(
                        name: "pluginParams", label: "Check parameters", input: .lines(.pluginParameter),
                        hint: "one per line: plugin.parameter = value, e.g. disk.warning = 80"),
                ])
        case .technician:
            InventoryForm(
                kind: kind,
                fields: [
                    Field(name: "name", label: "Name", input: .text), Field(name: "email", label: "Email", input: .email),
                    Field(name: "tier", label: "Tier", input: .choice(["1", "2", "3"])),
                    Field(name: "skills", label: "Skills", input: .words, hint: "separated by commas, e.g. linux, network"),
                    Field(name: "region", label: "Region", input: .text),
                    Field(name: "timeZone", label: "Time zone", input: .text, hint: "an IANA name such as Europe/Berlin"),
                    Field(name: "maxLoad", label: "Most open tickets at once", input: .number),
                    Field(name: "active", label: "Active (takes tickets)", input: .checkbox),
                    Field(
                        name: "shifts", label: "Shifts", input: .lines(.weekdayHours(from: "start", to: "end")),
                        hint: "one line per shift: weekday (1 = Monday … 7 = Sunday) and hours, e.g. 1 08:00-16:00"),
                    Field(
                        name: "absences", label: "Absences", input: .lines(.absence),
                        hint:
                            "one per line, in the technician's time zone: first and last day and why, e.g. 2026-12-21 2027-01-03 holiday, "
                            + "or from and to, e.g. 2026-12-22T13:00 2026-12-22T17:00 dentist"),
                ])
        }
    }

    // MARK: Showing a form

    /// One input as the template draws it.
    struct Control {
        var id: String
        var name: String
        var label: String
        var hint: String?
        var value: String
        var type: String
        var hidden = false
        var textarea = false
        var checkbox = false
        var checked = false
        var select = false
        var options: [BoardView.Option] = []
        var required = false
        /// What is wrong with what was sent, shown next to the field.
        var error: String?
        /// The ids of the error and the hint, for aria-describedby (Mustache reads stored properties only).
        var describedBy: String?

        mutating func describe() {
            let ids = [error.map { _ in "\(id)-error" }, hint.map { _ in "\(id)-hint" }].compactMap { $0 }
            describedBy = ids.isEmpty ? nil : ids.joined(separator: " ")
        }
    }

    /// The controls again with what was typed in them and each problem next to its field (a
    /// problem's field is the form's field, or a part of it: "shifts.weekday" is "shifts").
    func retried(_ controls: [Control], _ retry: FormRetry) -> [Control] {
        controls.map { control in
            var control = control
            let typed = retry.typed[control.name] ?? ""
            if control.checkbox { control.checked = !typed.isEmpty } else { control.value = typed }
            control.options = control.options.map { BoardView.Option(value: $0.value, label: $0.label, selected: $0.value == typed) }
            control.error = retry.problem(control.name)
            control.describe()
            return control
        }
    }

    /// The form's inputs, holding `values` (a record's fields as the API shows them) or what was sent.
    func controls(_ values: [String: JSONValue], prefix: String) -> [Control] {
        let zone = Self.zone(values["timeZone"])
        return fields.map { field in
            let value = Self.text(values[field.name], field.input, zone: zone)
            var control = Control(
                id: "\(prefix)-\(field.name)", name: field.name, label: field.label, hint: field.hint, value: value,
                type: "text", required: field.name == "name")
            switch field.input {
            case .email: control.type = "email"
            case .tel: control.type = "tel"
            case .number: control.type = "number"
            case .hidden: control.hidden = true
            case .note, .lines: control.textarea = true
            case .checkbox: (control.checkbox, control.checked) = (true, value == "true")
            case .choice(let options):
                control.select = true
                control.options = options.map { BoardView.Option(value: $0, label: $0, selected: $0 == value) }
            case .text, .words: break
            }
            control.describe()
            return control
        }
    }

    private static func zone(_ value: JSONValue?) -> TimeZone {
        if case .string(let name)? = value, let zone = TimeZone(identifier: name) { return zone }
        return .gmt
    }

    private static func text(_ value: JSONValue?, _ input: Input, zone: TimeZone = .gmt) -> String {
        switch (value, input) {
        case (nil, _), (.null, _): return ""
        case (.string(let text), _): return text
        case (.number(let number), _): return number == number.rounded() ? String(Int(number)) : String(number)
        case (.bool(let flag), _): return flag ? "true" : "false"
        case (.array(let items), .words):
            return items.compactMap { if case .string(let word) = $0 { word } else { nil } }.joined(separator: ", ")
        case (.array(let items), .lines(let format)): return items.map { line($0, format, zone: zone) }.joined(separator: "\n")
        case (.object(let plugins), .lines(.pluginParameter)):
            return plugins.keys.sorted().flatMap { plugin -> [String] in
                guard case .object(let parameters) = plugins[plugin] else { return [] }
                return parameters.keys.sorted().map { "\(plugin).\($0) = \(parameters[$0].map { text($0, .text) } ?? "")" }
            }.joined(separator: "\n")
        default: return ""
        }
    }

    private static func line(_ item: JSONValue, _ format: LineFormat, zone: TimeZone) -> String {
        guard case .object(let o) = item else { return "" }
        let s = { (key: String) in o[key].map { text($0, .text) } ?? "" }
        switch format {
        case .weekdayHours(let from, let to): return "\(s("weekday")) \(s(from))-\(s(to))"
        case .absence:
            guard let from = JSONBody.parseDate(s("from")), let to = JSONBody.parseDate(s("to")) else { return "" }
            return ([Self.local(from, to, zone: zone)] + [s("reason")]).filter { !$0.isEmpty }.joined(separator: " ")
        case .vendorService: return "\(s("service")): \(s("vendor"))"
        case .pluginParameter: return ""
        }
    }

    // MARK: Reading what was sent

    /// What the form sent as the API's JSON for this kind, and what could not be read (a number
    /// that is not one, a line that does not parse: with its field and line number) — every such
    /// field, not only the first; those fields are left out of the JSON.
    func json(_ form: WebForm) throws -> (json: Data, problems: [CoordinatorError.FieldProblem]) {
        var object: [String: JSONValue] = [:]
        var problems: [CoordinatorError.FieldProblem] = []
        for field in fields {
            do {
                object[field.name] = try Self.value(of: field, in: form)
            } catch let error as CoordinatorError where error.code == .invalid {
                problems += error.problems
            }
        }
        return (try JSONBody.encoder.encode(JSONValue.object(object)), problems)
    }

    /// One field's value as the API takes it; nil when it was left empty.
    private static func value(of field: Field, in form: WebForm) throws -> JSONValue? {
        let raw = form[field.name] ?? ""
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch field.input {
        case .checkbox: return .bool(raw == "on" || raw == "true")
        case .hidden, .number:
            if trimmed.isEmpty { return nil }
            guard let number = Int(trimmed) else { throw CoordinatorError.invalid(field.name, "must be a whole number, not '\(trimmed)'") }
            return .number(Double(number))
        case .choice(let options) where options.allSatisfy({ Int($0) != nil }):
            return Int(trimmed).map { .number(Double($0)) }
        case .words:
            return .array(
                trimmed.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") })
        case .lines(let format):
            let zone = form.text("timeZone").flatMap(TimeZone.init(identifier:)) ?? .gmt
            return try lines(trimmed, format, field: field.name, zone: zone)
        default:
            // A blank name is sent as it is, so the record's rules say so next to it, beside every other problem.
            if trimmed.isEmpty { return field.name == "name" ? .string(trimmed) : nil }
            return .string(field.input.isNote ? raw : trimmed)
        }
    }

    private static func lines(_ text: String, _ format: LineFormat, field: String, zone: TimeZone) throws -> JSONValue {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.enumerated().filter {
            !$0.element.isEmpty
        }
        if case .pluginParameter = format {
            var plugins: [String: JSONValue] = [:]
            for (index, line) in lines {
                guard let equals = line.firstIndex(of: "="), let dot = line[..<equals].firstIndex(of: ".") else {
                    throw CoordinatorError.invalid(field, "line \(index + 1) should read plugin.parameter = value, not '\(line)'")
                }
                let plugin = line[..<dot].trimmingCharacters(in: .whitespaces)
                let key = line[line.index(after: dot)..<equals].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                var parameters: [String: JSONValue] = [:]
                if case .object(let known) = plugins[plugin] { parameters = known }
                parameters[key] = .string(value)
                plugins[plugin] = .object(parameters)
            }
            return .object(plugins)
        }
        return .array(
            try lines.map { index, line in
                let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                switch format {
                case .weekdayHours(let from, let to):
                    let hours = words.count == 2 ? words[1].split(separator: "-").map(String.init) : []
                    guard let weekday = Int(words.first ?? ""), hours.count == 2 else {
                        throw CoordinatorError.invalid(field, "line \(index + 1) should read like 1 08:00-17:00, not '\(line)'")
                    }
                    return .object(["weekday": .number(Double(weekday)), from: .string(hours[0]), to: .string(hours[1])])
                case .absence:
                    guard words.count >= 2, let from = Self.instant(words[0], zone: zone, endOfDay: false),
                        let to = Self.instant(words[1], zone: zone, endOfDay: true)
                    else {
                        throw CoordinatorError.invalid(
                            field,
                            "line \(index + 1) should read like 2026-12-21 2027-01-03 holiday "
                                + "or 2026-12-22T13:00 2026-12-22T17:00 dentist, not '\(line)'")
                    }
                    var absence: [String: JSONValue] = ["from": .string(from), "to": .string(to)]
                    if words.count > 2 { absence["reason"] = .string(words[2...].joined(separator: " ")) }
                    return .object(absence)
                case .vendorService:
                    guard let colon = line.firstIndex(of: ":") else {
                        throw CoordinatorError.invalid(field, "line \(index + 1) should read service: vendor, not '\(line)'")
                    }
                    return .object([
                        "service": .string(line[..<colon].trimmingCharacters(in: .whitespaces)),
                        "vendor": .string(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)),
                    ])
                case .pluginParameter:
                    return .null
                }
            })
    }
}

extension InventoryForm.Input {
    fileprivate var isNote: Bool { if case .note = self { true } else { false } }
}

extension InventoryForm {
    /// A time as the API takes it (RFC 3339) from what a person types: a full time with its offset
    /// as it is; a day ("2026-12-21": its start, or with `endOfDay` the start of the next) or a
    /// time without seconds or offset ("2026-12-22T13:00") in `zone`. Nil when it is neither.
    static func instant(_ text: String, zone: TimeZone, endOfDay: Bool) -> String? {
        if JSONBody.parseDate(text) != nil { return text }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = text.split(separator: "T", maxSplits: 1)
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let clock = parts.count == 2 ? parts[1].split(separator: ":").compactMap { Int($0) } : [0, 0]
        guard day.count == 3, (2...3).contains(clock.count), parts[0].count == 10,
            var date = calendar.date(
                from: DateComponents(
                    year: day[0], month: day[1], day: day[2], hour: clock[0], minute: clock[1],
                    second: clock.count == 3 ? clock[2] : 0)),
            calendar.component(.day, from: date) == day[2]
        else { return nil }
        if parts.count == 1, endOfDay, let next = calendar.date(byAdding: .day, value: 1, to: date) { date = next }
        return InternetTime.format(date, milliseconds: false)
    }

    /// An absence as a person would type it again, in `zone`: its first and last day when it
    /// covers whole days, else from and to to the minute.
    static func local(_ from: Date, _ to: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let wholeDays = calendar.startOfDay(for: from) == from && calendar.startOfDay(for: to) == to && to > from
        let formatter = DateFormatter()
        (formatter.calendar, formatter.timeZone, formatter.locale) = (calendar, zone, Locale(identifier: "en_US_POSIX"))
        formatter.dateFormat = wholeDays ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm"
        let last = wholeDays ? calendar.date(byAdding: .day, value: -1, to: to) ?? to : to
        return "\(formatter.string(from: from)) \(formatter.string(from: last))"
    }
}
