import Foundation

/// The report as GitHub-flavoured markdown: a coverage table, the summary table, then one
/// section per check with its findings table.
///
/// Log fields are written by whoever made the request, so every cell is escaped: `|` would end a
/// cell, `<` would start raw HTML (which some renderers pass through), and `*`, `` ` ``, `[` or
/// a word-edge `_` would turn text into formatting or links. Line breaks become spaces so a row
/// stays one line.
public enum MarkdownReport {
    public static func render(_ report: ComplianceReport) -> String {
        var out = "# \(ComplianceReport.title)\n\n"
        var coverage: [[String]] = [
            ["Window", report.windowText],
            ["Account", report.accountText],
            ["Events", report.eventsText],
            ["Files", report.filesText],
        ]
        for stream in report.streamTexts { coverage.append(["Logs", stream]) }
        out += table(["", ""], coverage.map { $0.map(escape) }, numeric: [false, false])

        out += "\n## Summary\n\n"
        out += "\(report.checks.count) checks run, \(report.checksWithFindings) with findings, \(report.findingCount) findings.\n\n"
        out += table(report.summary.columns.map(escape), report.summary.rows.enumerated().map { n, row in
            row.enumerated().map { i, value in
                // The check id links to its section below.
                i == 0 ? "[\(escape(CellText.plain(value)))](#\(anchor(report.checks[n].definition.id)))" : escape(CellText.plain(value))
            }
        }, numeric: [false, false, false, true, false])

        for check in report.checks {
            let d = check.definition
            out += "\n<a id=\"\(anchor(d.id))\"></a>\n\n## \(escape(d.id)): \(escape(d.title))\n\n"
            var facts = ["**Severity:** \(d.severity.rawValue)", "**Findings:** \(check.count)"]
            if let cis = d.cis { facts.append("**CIS:** \(escape(cis))") }
            facts.append("**Query:** \(code(d.query.name))" + (d.query.isBuiltIn ? "" : " from \(code(d.query.source))"))
            out += facts.joined(separator: " · ") + "\n\n"
            if let rationale = d.rationale { out += "> \(escape(rationale))\n\n" }
            if let filter = d.filter { out += "CloudWatch filter: \(code(filter))\n\n" }
            for note in check.notes { out += "*Note: \(escape(note))*\n\n" }
            if check.result.rows.isEmpty {
                out += "No findings.\n"
            } else {
                let numeric = check.result.columns.indices.map { i in
                    let values = check.result.rows.compactMap { i < $0.count ? $0[i] : nil }.filter { $0 != .null }
                    return !values.isEmpty && values.allSatisfy(CellText.isNumber)
                }
                out += table(check.result.columns.map(escape), check.result.rows.map { row in
                    check.result.columns.indices.map { i in escape(i < row.count ? CellText.plain(row[i]) : "") }
                }, numeric: numeric)
            }
        }
        return out
    }

    /// A GFM table of already-escaped cells; numeric columns right-aligned.
    public static func table(_ header: [String], _ rows: [[String]], numeric: [Bool]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        var out = line(header)
        out += "|" + header.indices.map { i in (i < numeric.count && numeric[i]) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in rows { out += line(row) }
        return out
    }

    /// Text as it should render: literal, one line, no HTML, no formatting.
    public static func escape(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "\\", "|", "`", "*", "[", "]", "#", "~":
                out += "\\" + String(scalar)
            case "_":
                // Inside a word (`order_processor`) an underscore never emphasises; at a word's
                // edge it can, so only there is it escaped (keeps names readable in the source).
                let inside = i > 0 && i + 1 < scalars.count && isWordScalar(scalars[i - 1]) && isWordScalar(scalars[i + 1])
                out += inside ? "_" : "\\_"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }

    /// A code span that survives backticks in the text (used outside tables only: in a table a
    /// `|` would need escaping, which a code span elsewhere would show literally).
    static func code(_ text: String) -> String {
        let flat = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
        var longest = 0, run = 0
        for c in flat { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }

    /// `cis-4.1` → `check-cis-4-1`, the same fragment as the HTML report's.
    static func anchor(_ id: String) -> String { HTMLReport.anchor(id) }
}
