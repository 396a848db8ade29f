/// RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a quote or a
/// line break, quotes doubled.
///
/// Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is
/// prefixed with `'`: CloudTrail fields are attacker-controlled (user agents, request
/// parameters), and investigators open these files in spreadsheets. Numbers are written as numbers
/// and left alone, so `-5` stays a number.
public enum CSVWriter {
    public static func format(_ result: ResultSet) -> String {
        var out = result.columns.map { field(.text($0)) }.joined(separator: ",") + "\r\n"
        for row in result.rows {
            out += result.columns.indices.map { field($0 < row.count ? row[$0] : .null) }.joined(separator: ",")
            out += "\r\n"
        }
        return out
    }

    public static func field(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .integer, .real: return CellText.plain(value)
        case .text(let s): return quoteIfNeeded(neutralize(s))
        }
    }

    /// Prefixes `'` to text a spreadsheet would evaluate.
    public static func neutralize(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, formulaStarters.contains(first) else { return text }
        return "'" + text
    }

    static let formulaStarters: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    static func quoteIfNeeded(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
