/// The rows a query returned: column names in order, and each row's values in that order.
public struct ResultSet: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[SQLValue]]

    public init(columns: [String], rows: [[SQLValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// The position of `name` among the columns.
    public func index(of name: String) -> Int? { columns.firstIndex(of: name) }

    /// Every row's value in column `name` (empty when there is no such column).
    public func values(_ name: String) -> [SQLValue] {
        guard let i = index(of: name) else { return [] }
        return rows.map { i < $0.count ? $0[i] : .null }
    }

    /// Every row's value in column `name` as text (NULL → nil).
    public func texts(_ name: String) -> [String?] { values(name).map(\.textValue) }

    /// Row `row` as column name → value.
    public func record(_ row: Int) -> [String: SQLValue] {
        guard rows.indices.contains(row) else { return [:] }
        var result: [String: SQLValue] = [:]
        for (i, name) in columns.enumerated() where i < rows[row].count { result[name] = rows[row][i] }
        return result
    }
}

/// What a command prints: one or more titled result sets (a session's summary, its chain, its
/// events). Most commands have a single section, printed without its title.
public struct Report: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public enum Layout: Sendable, Equatable {
            /// One line per row under a header.
            case rows
            /// A single row shown as `column  value` lines, easier to read than a very wide row.
            case record
            /// Each row as such a block (empty values left out), for a few rows of many long
            /// columns, such as the hops of a chain.
            case records
        }

        public var title: String
        public var result: ResultSet
        public var layout: Layout

        public init(_ title: String, _ result: ResultSet, layout: Layout = .rows) {
            self.title = title
            self.result = result
            self.layout = layout
        }
    }

    public var sections: [Section]
    /// Remarks for the reader (which of several matches is shown, why nothing matched); they go
    /// to stderr, never into the data.
    public var notes: [String]

    public init(sections: [Section], notes: [String] = []) {
        self.sections = sections
        self.notes = notes
    }

    public init(_ result: ResultSet, title: String = "rows", notes: [String] = []) {
        sections = [Section(title, result)]
        self.notes = notes
    }

    public func section(_ title: String) -> Section? { sections.first { $0.title == title } }
}
