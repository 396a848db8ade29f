/// Rows to print, kept as their bytes in one buffer: no String, array or enum per cell.
///
/// What the writers (table, JSON, CSV) read. `trail query` fills it straight from SQLite, so
/// printing tens of thousands of rows costs little more than copying their bytes; a
/// `ResultSet` is converted into one first. Text is stored as valid UTF-8, repaired as
/// `String(decoding:as:)` repairs it, so both routes print the same bytes.
public struct RowBuffer: Sendable {
    public enum Kind: UInt8, Sendable {
        case null, integer, real, text
    }

    /// A cell's kind and where its bytes lie in `bytes`. Numbers are stored as `CellText.plain`
    /// spells them.
    struct Cell: Sendable {
        var kind: Kind
        var start: Int
        var count: Int
    }

    public let columns: [String]
    private(set) var bytes: [UInt8] = []
    /// Row-major: row `r`'s cells are `cells[r * columns.count ..< (r + 1) * columns.count]`.
    private(set) var cells: [Cell] = []

    public init(columns: [String]) {
        self.columns = columns
    }

    public init(_ result: ResultSet) {
        self.init(columns: result.columns)
        for row in result.rows {
            for i in columns.indices { append(i < row.count ? row[i] : .null) }
        }
    }

    /// Empties the buffer for the next rows, keeping its storage (a streamed query reuses one
    /// buffer for every row).
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
    }

    public var rowCount: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    public var isEmpty: Bool { cells.isEmpty }

    /// Appends the statement's current row (its first `columns.count` columns).
    mutating func append(_ statement: Statement) {
        for i in columns.indices {
            let index = Int32(i)
            switch statement.columnType(index) {
            case .null: cells.append(Cell(kind: .null, start: bytes.count, count: 0))
            case .integer: appendText(String(statement.int64(index)), kind: .integer)
            case .real: appendText(CellText.realText(statement.double(index)), kind: .real)
            case .text:
                guard let text = statement.textBytes(index) else {
                    cells.append(Cell(kind: .null, start: bytes.count, count: 0))
                    continue
                }
                appendTextBytes(text)
            }
        }
    }

    mutating func append(_ value: SQLValue) {
        switch value {
        case .null: cells.append(Cell(kind: .null, start: bytes.count, count: 0))
        case .integer(let v): appendText(String(v), kind: .integer)
        case .real(let v): appendText(CellText.realText(v), kind: .real)
        case .text(let s): appendText(s, kind: .text)
        }
    }

    private mutating func appendText(_ text: String, kind: Kind) {
        let start = bytes.count
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        cells.append(Cell(kind: kind, start: start, count: bytes.count - start))
    }

    /// Text as SQLite stored it: ASCII is copied as is; anything else goes through String's
    /// UTF-8 repair, as `Statement.text` would.
    private mutating func appendTextBytes(_ text: UnsafeBufferPointer<UInt8>) {
        if text.contains(where: { $0 >= 0x80 }) {
            appendText(String(decoding: text, as: UTF8.self), kind: .text)
        } else {
            let start = bytes.count
            bytes.append(contentsOf: text)
            cells.append(Cell(kind: .text, start: start, count: text.count))
        }
    }

    /// Calls `body` with the buffer and the cells, for writers that walk every row.
    func withCells<R>(_ body: (UnsafeBufferPointer<UInt8>, [Cell]) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body($0, cells) }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes of `cell` in a buffer from `RowBuffer.withCells`.
    func slice(_ cell: RowBuffer.Cell) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[cell.start ..< cell.start + cell.count])
    }
}
