/// The report as one CSV table (RFC 4180, via `CSVWriter`): one header row, then one row per
/// finding of every check, in the checks' order.
///
/// Checks return different columns, so the header is `check`, `check_title`, `severity`, then
/// every check's columns in the order they first appear (checks in report order); a row leaves
/// the columns its check does not have empty. The header depends only on which checks ran, not
/// on what they found, so nightly files line up. Window and coverage are not in the CSV (it is
/// one table); use JSON for them. Text that a spreadsheet would run as a formula is neutralised
/// by `CSVWriter`: log fields are attacker-controlled.
public enum CSVReport {
    public static let checkColumns = ["check", "check_title", "severity"]

    public static func render(_ report: ComplianceReport) -> String {
        var columns: [String] = []
        var seen: Set<String> = []
        for check in report.checks {
            for name in check.result.columns where seen.insert(name).inserted { columns.append(name) }
        }
        // A check column named like ours would be ambiguous; such a column keeps its place but
        // gets a `finding_` prefix.
        let header = checkColumns + columns.map { checkColumns.contains($0) ? "finding_" + $0 : $0 }
        var table = ResultSet(columns: header)
        for check in report.checks {
            let positions = check.result.columns.map { name in columns.firstIndex(of: name) }
            for row in check.result.rows {
                var values = [SQLValue](repeating: .null, count: columns.count)
                for (i, position) in positions.enumerated() where i < row.count {
                    if let position, values[position] == .null { values[position] = row[i] }
                }
                let d = check.definition
                table.rows.append([.text(d.id), .text(d.title), .text(d.severity.rawValue)] + values)
            }
        }
        return CSVWriter.format(table)
    }
}
