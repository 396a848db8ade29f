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

    public static func writeArray(_ result: ResultSet, to sink: ByteSink) {
        guard !result.rows.isEmpty else { return sink.write("[]\n") }
        sink.write("[\n")
        writeObjects(result, indent: "  ", to: sink)
        sink.write("\n]\n")
    }

    public static func writeLines(_ result: ResultSet, leading: (key: String, value: String)? = nil, to sink: ByteSink) {
        let keys = ObjectKeys(result.columns)
        for row in result.rows {
            sink.write(byte: UInt8(ascii: "{"))
            if let leading {
                JSONText.writeQuoted(leading.key, to: sink)
                sink.write(byte: UInt8(ascii: ":"))
                JSONText.writeQuoted(leading.value, to: sink)
                if !result.columns.isEmpty { sink.write(byte: UInt8(ascii: ",")) }
            }
            keys.writeMembers(row, to: sink)
            sink.write("}\n")
            sink.flushIfFull()
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
                writeObjects(section.result, indent: "    ", to: sink)
                sink.write("\n  ]")
            }
            sink.write(n == report.sections.count - 1 ? "\n" : ",\n")
        }
        sink.write("}\n")
    }

    /// The rows as indented objects separated by ",\n" (no newline after the last).
    private static func writeObjects(_ result: ResultSet, indent: String, to sink: ByteSink) {
        let keys = ObjectKeys(result.columns)
        for (n, row) in result.rows.enumerated() {
            if n > 0 { sink.write(",\n") }
            sink.write(indent)
            sink.write(byte: UInt8(ascii: "{"))
            keys.writeMembers(row, to: sink)
            sink.write(byte: UInt8(ascii: "}"))
            sink.flushIfFull()
        }
    }

    /// One row as an object, keys in column order.
    static func object(_ columns: [String], _ row: [SQLValue]) -> String {
        let sink = ByteSink()
        sink.write(byte: UInt8(ascii: "{"))
        ObjectKeys(columns).writeMembers(row, to: sink)
        sink.write(byte: UInt8(ascii: "}"))
        return sink.take()
    }

    static func write(_ value: SQLValue, to sink: ByteSink) {
        switch value {
        case .null: sink.write("null")
        case .integer(let v): sink.write(String(v))
        case .real(let v): sink.write(v.isFinite ? String(v) : "null")
        case .text(let s): JSONText.writeQuoted(s, to: sink)
        }
    }

    /// Each column's `"name":` prefix, quoted once for the whole result.
    private struct ObjectKeys {
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

        func writeMembers(_ row: [SQLValue], to sink: ByteSink) {
            for (i, prefix) in prefixes.enumerated() {
                sink.write(bytes: prefix)
                JSONWriter.write(i < row.count ? row[i] : .null, to: sink)
            }
        }
    }
}
