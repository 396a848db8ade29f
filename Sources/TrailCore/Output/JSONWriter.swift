/// JSON for scripts: objects whose keys follow the column order (JSONSerialization would sort or
/// shuffle them), integers and reals as numbers, NULL as null, text as strings.
public enum JSONWriter {
    /// An array of objects, one per line, so that large outputs stay diff- and grep-friendly.
    public static func array(_ result: ResultSet) -> String {
        guard !result.rows.isEmpty else { return "[]\n" }
        return "[\n" + result.rows.map { "  " + object(result.columns, $0) }.joined(separator: ",\n") + "\n]\n"
    }

    /// One object per line (JSON Lines). Nothing at all for no rows.
    public static func lines(_ result: ResultSet, leading: (key: String, value: String)? = nil) -> String {
        result.rows.map { object(result.columns, $0, leading: leading) + "\n" }.joined()
    }

    /// `{"title": [...], ...}` for a report with several sections.
    public static func sections(_ report: Report) -> String {
        var out = "{\n"
        for (n, section) in report.sections.enumerated() {
            out += "  " + JSONText.quote(section.title) + ": "
            if section.result.rows.isEmpty {
                out += "[]"
            } else {
                out += "[\n" + section.result.rows.map { "    " + object(section.result.columns, $0) }.joined(separator: ",\n") + "\n  ]"
            }
            out += n == report.sections.count - 1 ? "\n" : ",\n"
        }
        return out + "}\n"
    }

    static func object(_ columns: [String], _ row: [SQLValue], leading: (key: String, value: String)? = nil) -> String {
        var members: [String] = []
        if let leading { members.append(JSONText.quote(leading.key) + ":" + JSONText.quote(leading.value)) }
        for (i, name) in columns.enumerated() {
            members.append(JSONText.quote(name) + ":" + value(i < row.count ? row[i] : .null))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func value(_ value: SQLValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .real(let v): return v.isFinite ? String(v) : "null"
        case .text(let s): return JSONText.quote(s)
        }
    }
}
