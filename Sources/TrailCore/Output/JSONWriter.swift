/// JSON for scripts: objects whose keys follow the column order (JSONSerialization would sort or
/// shuffle them), integers and reals as numbers, NULL as null, text as strings.
public enum JSONWriter {
    /// An array of objects, one per line, so that large outputs stay diff- and grep-friendly.
    public static func array(_ result: ResultSet) -> String {
        let sink = ByteSink()
        writeArray(result, to: sink)
        return sink.take()
    }

    /// One object per line (JSON Lines). Nothing at all for no rows.
    public static func lines(_ result: ResultSet, leading: (key: String, value: String)? = nil) -> String {
        let sink = ByteSink()
        writeLines(result, leading: leading, to: sink)
        return sink.take()
    }

    /// `{"title": [...], ...}` for a report with several sections.
    public static func sections(_ report: Report) -> String {
        let sink = ByteSink()
        writeSections(report, to: sink)
        return sink.take()
    }

    public static func writeArray(_ result: ResultSet, to sink: ByteSink) { writeArray(RowBuffer(result), to: sink) }

    public static func writeArray(_ rows: RowBuffer, to sink: ByteSink) {
        guard !rows.isEmpty else { return sink.write("[]\n") }
        sink.write("[\n")
        writeObjects(rows, indent: "  ", to: sink)
        sink.write("\n]\n")
    }

    public static func writeLines(_ result: ResultSet, leading: (key: String, value: String)? = nil, to sink: ByteSink) {
        writeLines(RowBuffer(result), leading: leading, to: sink)
    }

    public static func writeLines(_ rows: RowBuffer, leading: (key: String, value: String)? = nil, to sink: ByteSink) {
        let keys = ObjectKeys(rows.columns)
        rows.withCells { buffer, cells in
            var offset = 0
            while offset < cells.count {
                sink.write(byte: UInt8(ascii: "{"))
                if let leading {
                    JSONText.writeQuoted(leading.key, to: sink)
                    sink.write(byte: UInt8(ascii: ":"))
                    JSONText.writeQuoted(leading.value, to: sink)
                    if !rows.columns.isEmpty { sink.write(byte: UInt8(ascii: ",")) }
                }
                keys.writeMembers(buffer, cells[offset ..< offset + keys.count], to: sink)
                sink.write("}\n")
                sink.flushIfFull()
                offset += keys.count
            }
        }
    }

    public static func writeSections(_ report: Report, to sink: ByteSink) {
        sink.write("{\n")
        for (n, section) in report.sections.enumerated() {
            sink.write("  ")
            JSONText.writeQuoted(section.title, to: sink)
            sink.write(": ")
            if section.result.rows.isEmpty {
                sink.write("[]")
            } else {
                sink.write("[\n")
                writeObjects(RowBuffer(section.result), indent: "    ", to: sink)
                sink.write("\n  ]")
            }
            sink.write(n == report.sections.count - 1 ? "\n" : ",\n")
        }
        sink.write("}\n")
    }

    /// The rows as indented objects separated by ",\n" (no newline after the last).
    private static func writeObjects(_ rows: RowBuffer, indent: String, to sink: ByteSink) {
        let keys = ObjectKeys(rows.columns)
        rows.withCells { buffer, cells in
            var offset = 0
            while offset < cells.count {
                if offset > 0 { sink.write(",\n") }
                sink.write(indent)
                sink.write(byte: UInt8(ascii: "{"))
                keys.writeMembers(buffer, cells[offset ..< offset + keys.count], to: sink)
                sink.write(byte: UInt8(ascii: "}"))
                sink.flushIfFull()
                offset += keys.count
            }
        }
    }

    /// One row as an object, keys in column order.
    static func object(_ columns: [String], _ row: [SQLValue]) -> String {
        let sink = ByteSink()
        sink.write(byte: UInt8(ascii: "{"))
        let keys = ObjectKeys(columns)
        RowBuffer(ResultSet(columns: columns, rows: [row])).withCells { buffer, cells in
            keys.writeMembers(buffer, cells[...], to: sink)
        }
        sink.write(byte: UInt8(ascii: "}"))
        return sink.take()
    }

    /// A cell as a JSON value: numbers as numbers (non-finite reals, which JSON cannot spell,
    /// as null), text as a string.
    static func write(_ cell: RowBuffer.Cell, _ bytes: UnsafeBufferPointer<UInt8>, to sink: ByteSink) {
        switch cell.kind {
        case .null: sink.write("null")
        case .integer: sink.write(bytes: bytes)
        case .real:
            // CellText.realText spells the non-finite values NaN, Infinity and -Infinity.
            if let first = bytes.first, first == UInt8(ascii: "N") || first == UInt8(ascii: "I")
                || (first == UInt8(ascii: "-") && bytes.count > 1 && bytes[1] == UInt8(ascii: "I")) {
                sink.write("null")
            } else {
                sink.write(bytes: bytes)
            }
        case .text: JSONText.writeQuoted(bytes: bytes, to: sink)
        }
    }

    /// Each column's `"name":` prefix, quoted once for the whole result.
    struct ObjectKeys {
        let prefixes: [[UInt8]]

        init(_ columns: [String]) {
            prefixes = columns.enumerated().map { i, name in
                let sink = ByteSink()
                if i > 0 { sink.write(byte: UInt8(ascii: ",")) }
                JSONText.writeQuoted(name, to: sink)
                sink.write(byte: UInt8(ascii: ":"))
                return sink.bytes
            }
        }

        var count: Int { prefixes.count }

        /// The members of one row, whose cells are `cells` (one per column).
        func writeMembers(_ buffer: UnsafeBufferPointer<UInt8>, _ cells: ArraySlice<RowBuffer.Cell>, to sink: ByteSink) {
            var index = cells.startIndex
            for prefix in prefixes {
                sink.write(bytes: prefix)
                JSONWriter.write(cells[index], buffer.slice(cells[index]), to: sink)
                index += 1
            }
        }
    }
}
