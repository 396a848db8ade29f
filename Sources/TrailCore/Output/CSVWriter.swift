/// RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a
/// line break, quotes doubled.
///
/// Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is
/// prefixed with `'`: CloudTrail fields are attacker-controlled (user agents, request
/// parameters), and investigators open these files in spreadsheets. Numbers are written as numbers
/// and left alone, so `-5` stays a number.
public enum CSVWriter {
    public static func format(_ result: ResultSet) -> String {
        let sink = ByteSink()
        write(result, to: sink)
        return sink.take()
    }

    public static func write(_ result: ResultSet, to sink: ByteSink) { write(RowBuffer(result), to: sink) }

    public static func write(_ rows: RowBuffer, to sink: ByteSink) {
        writeHeader(rows.columns, to: sink)
        writeRows(rows, to: sink)
    }

    static func writeHeader(_ columns: [String], to sink: ByteSink) {
        for (i, name) in columns.enumerated() {
            if i > 0 { sink.write(byte: UInt8(ascii: ",")) }
            var name = name
            name.withUTF8 { writeText($0, to: sink) }
        }
        sink.write("\r\n")
    }

    /// The rows without the header.
    static func writeRows(_ rows: RowBuffer, to sink: ByteSink) {
        let count = rows.columns.count
        rows.withCells { buffer, cells in
            for (n, cell) in cells.enumerated() {
                let column = n % count
                if column > 0 { sink.write(byte: UInt8(ascii: ",")) }
                switch cell.kind {
                case .null: break
                case .integer, .real: sink.write(bytes: buffer.slice(cell))
                case .text: writeText(buffer.slice(cell), to: sink)
                }
                if column == count - 1 {
                    sink.write("\r\n")
                    sink.flushIfFull()
                }
            }
        }
    }

    /// A text field: quoted when it holds a comma, a quote or a line break, and kept from
    /// being read as a formula.
    private static func writeText(_ utf8: UnsafeBufferPointer<UInt8>, to sink: ByteSink) {
        let formula = utf8.first.map(formulaStarterBytes.contains) ?? false
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if needsQuotes { sink.write(byte: UInt8(ascii: "\"")) }
        if formula { sink.write(byte: UInt8(ascii: "'")) }
        if needsQuotes {
            for byte in utf8 {
                if byte == UInt8(ascii: "\"") { sink.write(byte: byte) }
                sink.write(byte: byte)
            }
            sink.write(byte: UInt8(ascii: "\""))
        } else {
            sink.write(bytes: utf8)
        }
    }

    /// What a spreadsheet takes for the start of a formula: `=`, `+`, `-`, `@`, tab, CR. Each is
    /// one byte, and no byte of a longer UTF-8 sequence.
    private static let formulaStarterBytes: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]
}
