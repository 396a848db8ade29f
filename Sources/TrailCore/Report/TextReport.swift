/// The report as plain text: the window and coverage, the summary table of checks, then each
/// check with its findings as a table (`TableFormatter`, which also strips terminal control
/// characters that log fields may carry).
public struct TextReport: Sendable {
    /// Fit tables to this many columns; nil never cuts (files, pipes: reports are records).
    public var width: Int?

    public init(width: Int?) { self.width = width }

    public func render(_ report: ComplianceReport) -> String {
        let table = TableFormatter(width: width)
        var out = ComplianceReport.title + "\n\n"
        var header: [(String, String)] = [
            ("window", report.windowText),
            ("account", report.accountText),
            ("events", report.eventsText),
            ("files", report.filesText),
        ]
        for (n, stream) in report.streamTexts.enumerated() { header.append((n == 0 ? "logs" : "", stream)) }
        let labelWidth = header.map(\.0.count).max() ?? 0
        for (label, value) in header {
            let tag = label.isEmpty ? "" : label + ":"
            let line = tag + String(repeating: " ", count: labelWidth + 3 - tag.count) + value
            out += TableFormatter.sanitize(width.map { TableFormatter.truncate(line, to: $0) } ?? line) + "\n"
        }

        out += "\nchecks: \(report.checks.count) run, \(report.checksWithFindings) with findings, \(report.findingCount) findings\n\n"
        out += table.format(report.summary)

        for check in report.checks {
            let d = check.definition
            out += "\n" + wrap(TableFormatter.sanitize("== \(d.id): \(d.title) (\(d.severity.rawValue), \(Self.count(check.count))) =="))
            var about: [String] = []
            if let cis = d.cis { about.append("CIS: \(cis)") }
            if let rationale = d.rationale { about.append("why: \(rationale)") }
            if let filter = d.filter { about.append("filter: \(filter)") }
            // A user's file can replace a built-in check under the same id or query name; the
            // report must say whose SQL produced the findings.
            about.append("query: \(d.query.name)" + (d.query.isBuiltIn ? "" : " (from \(d.query.source))"))
            for note in check.notes { about.append("note: \(note)") }
            for line in about { out += wrap(TableFormatter.sanitize(line)) }
            if check.result.rows.isEmpty {
                out += "(no findings)\n"
            } else if let width, Self.naturalWidth(check.result) > width {
                // Too wide to fit without cutting most cells to a few characters: one block of
                // `column  value` lines per finding reads better than a table of ellipses.
                out += "\n" + table.formatRecords(check.result)
            } else {
                out += "\n" + table.format(check.result)
            }
        }
        return out
    }

    /// `text` as lines of at most `width` characters, broken at spaces (a longer word is cut),
    /// continuation lines indented; one line when there is no width.
    func wrap(_ text: String) -> String {
        guard let width, width > 10, text.count > width else { return text + "\n" }
        let indent = "    "
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var rest = Substring(word)
            while !rest.isEmpty {
                let room = width - line.count - (line.isEmpty || line == indent ? 0 : 1)
                if rest.count <= room {
                    line += (line.isEmpty || line == indent ? "" : " ") + rest
                    rest = ""
                } else if line.isEmpty || line == indent {
                    line += rest.prefix(room)
                    rest = rest.dropFirst(room)
                    lines.append(line)
                    line = indent
                } else {
                    lines.append(line)
                    line = indent
                }
            }
        }
        if !line.isEmpty && line != indent { lines.append(line) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The widest line of `result` as an uncut table.
    static func naturalWidth(_ result: ResultSet) -> Int {
        TableFormatter(width: nil).format(result).split(separator: "\n").map(\.count).max() ?? 0
    }

    static func count(_ n: Int) -> String {
        switch n {
        case 0: return "no findings"
        case 1: return "1 finding"
        default: return "\(n) findings"
        }
    }
}
