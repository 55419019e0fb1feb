import Foundation
import TriageDomain
import TriageEdge

/// A page about one record (or the list of them): facts, tables, and the forms of those who may change it.
struct RecordPage {
    struct Link {
        var text: String
        var href: String
    }
    struct Fact {
        var name: String
        var value: String
        /// Nil for a value that is missing or empty: the page leaves it out.
        init?(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty else { return nil }
            (self.name, self.value) = (name, value)
        }
    }
    struct Cell {
        var text: String
        var href: String?
        /// A status class (ok, warning, critical, unknown) to colour the cell.
        var status: String?
        static func text(_ text: String?) -> Cell { Cell(text: text ?? "") }
        static func link(_ text: String, _ href: String) -> Cell { Cell(text: text, href: href) }
        static func status(_ text: String, _ status: String?) -> Cell { Cell(text: text, status: status) }
    }
    struct Row { var cells: [Cell] }
    struct Table {
        var id: String
        var title: String
        var headers: [String]
        var rows: [Row]
        var empty: String
        /// Mustache reads stored properties only.
        var hasRows: Bool
        init(id: String, title: String, headers: [String], rows: [[Cell]], empty: String) {
            (self.id, self.title, self.headers, self.rows, self.empty) = (id, title, headers, rows.map(Row.init), empty)
            hasRows = !rows.isEmpty
        }
    }
    struct Form {
        var id: String
        var title: String
        var action: String
        var csrf: String
        var controls: [InventoryForm.Control]
        var button: String
        /// Where its delete button posts (nil on a form that adds).
        var deleteAction: String?
        var deleteLabel: String
    }

    var chrome: Chrome
    var title: String
    var crumbs: [Link]
    var facts: [Fact] = [] { didSet { hasFacts = !facts.isEmpty } }
    var hasFacts = false
    var tables: [Table] = []
    var forms: [Form] = []
    /// The list page has a search box, holding what was searched.
    var searchable = false
    var search = ""

    init(chrome: Chrome, title: String, crumbs: [Link]) {
        (self.chrome, self.title, self.crumbs) = (chrome, title, crumbs)
    }
}
