import Foundation
import Testing
@testable import TrailCore

/// Every format over sample-logs plus the hostile fixture (markup, pipes and formulas in log
/// fields): each parses back, agrees with the report, and shows hostile text as text.
@Suite("Report: formats round-trip and escape")
struct ReportFormatTests {
    static let report: ComplianceReport = {
        do {
            return try ReportFixture.run(database: ReportFixture.hostileDatabase)
        } catch {
            preconditionFailure("cannot run the report: \(error)")
        }
    }()

    @Test("the hostile fixture is found by the checks that show its fields")
    func hostileFindings() throws {
        let r = Self.report
        #expect(try r.check("cis-4.1").values("event").contains("s3:" + ReportFixture.hostileScript))
        let logins = try r.check("hygiene-console-login-without-mfa").records
        #expect(logins.contains { $0["user_agent"] == ReportFixture.hostileImage })
        #expect(logins.contains { $0["user_agent"] == ReportFixture.hostileScript })
    }

    @Test("JSON: one object that JSONSerialization reads, with window, coverage and every check's findings as objects")
    func json() throws {
        let text = JSONReport.render(Self.report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let window = try #require(object["window"] as? [String: Any])
        #expect(window["from"] as? String == "2026-11-20T00:00:00Z")
        #expect(window["to"] as? String == "2026-11-21T00:00:00Z")
        #expect(window["account"] is NSNull)
        let coverage = try #require(object["coverage"] as? [String: Any])
        #expect(coverage["events"] as? Int == 34)
        #expect((coverage["files"] as? [String: Any])?["ingested"] as? Int == 16)
        #expect((coverage["streams"] as? [[String: Any]])?.count == 3)
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.map { $0["id"] as? String ?? "" } == Self.report.checks.map(\.definition.id))
        for (check, expected) in zip(checks, Self.report.checks) {
            for key in ["id", "title", "severity", "cis", "rationale", "filter", "count", "columns", "findings"] {
                #expect(check.keys.contains(key), "\(expected.definition.id) lacks \(key)")
            }
            let findings = try #require(check["findings"] as? [[String: Any]])
            #expect(check["count"] as? Int == expected.count)
            #expect(findings.count == expected.count)
            let columns = try #require(check["columns"] as? [String])
            #expect(columns == expected.result.columns)
            for finding in findings { #expect(Set(finding.keys) == Set(columns)) }
        }
        let cis41 = try #require(checks.first { $0["id"] as? String == "cis-4.1" })
        #expect(cis41["severity"] as? String == "medium")
        #expect((cis41["filter"] as? String)?.contains("AccessDenied*") == true)
        let events = (cis41["findings"] as? [[String: Any]])?.compactMap { $0["event"] as? String }
        #expect(events?.contains("s3:" + ReportFixture.hostileScript) == true)
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["findings"] as? Int == Self.report.findingCount)
    }

    @Test("CSV: one header, one row per finding, check columns first, formulas neutralised")
    func csv() throws {
        let records = try RFC4180.parse(CSVReport.render(Self.report))
        let header = try #require(records.first)
        #expect(Array(header.prefix(3)) == ["check", "check_title", "severity"])
        #expect(Set(header).count == header.count)
        #expect(records.count == 1 + Self.report.findingCount)
        for record in records { #expect(record.count == header.count) }
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        // Rows follow the checks' order, each check's rows in its own order.
        #expect(rows.map { $0["check"] ?? "" } == Self.report.checks.flatMap { check in Array(repeating: check.definition.id, count: check.count) })
        let hostile = try #require(rows.first { $0["event_id"] == "hostile-0001" && $0["check"] == "cis-4.1" })
        #expect(hostile["event"] == "s3:" + ReportFixture.hostileScript)
        #expect(hostile["check_title"] == "Unauthorized API calls")
        #expect(hostile["severity"] == "medium")
        #expect(hostile["source_ip"] == "'=HYPERLINK(\"http://evil.example/\",\"x\")")
        #expect(hostile["resources"]?.contains("a|b<i>c</i>") == true)
        // No field a spreadsheet would run.
        for row in rows {
            for value in row.values { #expect(!(value.first.map { "=+-@".contains($0) } ?? false) || Double(value) != nil, "\(value)") }
        }
    }

    @Test("CSV: the header depends on the checks run, not on what they found")
    func csvHeaderStable() throws {
        let empty = try ReportFixture.run(database: ReportFixture.hostileDatabase, window: ReportWindow(from: 0, to: 86_400))
        #expect(!empty.hasFindings)
        let emptyHeader = try RFC4180.parse(CSVReport.render(empty))
        let fullHeader = try RFC4180.parse(CSVReport.render(Self.report)).first
        #expect(emptyHeader.count == 1)
        #expect(emptyHeader.first == fullHeader)
    }

    @Test("markdown: every table row has its header's cell count; pipes and markup are escaped")
    func markdown() throws {
        let text = MarkdownReport.render(Self.report)
        var tables: [[Int]] = []
        var current: [Int] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                current.append(Self.cellCount(String(line)))
            } else if !current.isEmpty {
                tables.append(current)
                current = []
            }
        }
        if !current.isEmpty { tables.append(current) }
        // The coverage table, the summary, and one per check with findings.
        #expect(tables.count == 2 + Self.report.checksWithFindings)
        for table in tables {
            #expect(table.count >= 2)
            #expect(Set(table).count == 1, "uneven table: \(table)")
        }
        #expect(!text.contains("<script"))
        #expect(!text.contains("<img"))
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(text.contains("a\\|b&lt;i&gt;c&lt;/i&gt;"))
        for check in Self.report.checks { #expect(text.contains("## \(MarkdownReport.escape(check.definition.id)): \(MarkdownReport.escape(check.definition.title))")) }
    }

    /// Cells of a GFM table row: `|` separators not escaped with a backslash.
    static func cellCount(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for c in line {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true } else if c == "|" { count += 1 }
        }
        return count - 1
    }

    @Test("markdown escaping: literal text, one line, no HTML, no formatting")
    func markdownEscape() {
        #expect(MarkdownReport.escape("a|b") == "a\\|b")
        #expect(MarkdownReport.escape("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y")
        #expect(MarkdownReport.escape("order_processor") == "order_processor")
        #expect(MarkdownReport.escape("_x_ *y* `z` [l](u)") == "\\_x\\_ \\*y\\* \\`z\\` \\[l\\](u)")
        #expect(MarkdownReport.escape("two\nlines") == "two lines")
        #expect(MarkdownReport.code("a `b` c") == "``a `b` c``")
    }

    @Test("text: the coverage, then the summary table of checks with counts and severity, then each check")
    func text() throws {
        let text = TextReport(width: nil).render(Self.report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == ComplianceReport.title)
        #expect(lines.contains("window:   2026-11-20T00:00:00Z .. 2026-11-21T00:00:00Z"))
        #expect(lines.contains { $0.hasPrefix("files:    16 ingested (0 partial, 0 records rejected), 0 failed") })
        let summary = try #require(lines.firstIndex { $0.hasPrefix("check ") && $0.contains("severity") && $0.contains("findings") })
        let firstSection = try #require(lines.firstIndex { $0.hasPrefix("== ") })
        #expect(summary < firstSection)
        for check in Self.report.checks {
            #expect(lines.contains { $0.hasPrefix("== \(check.definition.id): \(check.definition.title) (\(check.definition.severity.rawValue), ") })
        }
        #expect(lines.contains { $0.hasPrefix("cis-4.1 ") && $0.contains("medium") && $0.contains(" 5 ") })
        // Fitted to a width, no line is longer.
        let narrow = TextReport(width: 100).render(Self.report)
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }

    @Test("HTML without a browser: one document, balanced sections and tables, SVG charts, nothing executable, hostile text escaped")
    func htmlStructure() throws {
        let html = HTMLReport.render(Self.report)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
        for tag in ["html", "head", "body", "header", "section", "table", "thead", "tbody", "tr", "svg", "dl", "style", "title"] {
            #expect(Self.count("<\(tag)[ >]", in: html) == Self.count("</\(tag)>", in: html), "unbalanced <\(tag)>")
        }
        #expect(Self.count("<section class=\"check\"", in: html) == Self.report.checks.count)
        // One daily chart per check with findings, and the coverage strip.
        #expect(Self.count("<svg[^>]*class=\"chart\"", in: html) == Self.report.checksWithFindings)
        #expect(Self.count("<svg[^>]*class=\"coverage\"", in: html) == 1)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(html.contains("s3:&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        // Self-contained: inline CSS, no stylesheet, image or link to fetch.
        #expect(html.contains("<style>") && !html.contains("<link") && !html.contains("href=\"http") && !html.contains("url("))
        for check in Self.report.checks { #expect(html.contains(HTMLReport.escape(check.definition.title))) }
    }

    static func count(_ pattern: String, in text: String) -> Int {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return -1 }
        return regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    @Test("HTML escaping covers text and attribute contexts and control characters")
    func htmlEscape() {
        #expect(HTMLReport.escape("<a href=\"x\" title='y'>&</a>") == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTMLReport.escape("bell\u{07}") == "bell\u{FFFD}")
        #expect(HTMLReport.anchor("cis-4.1\"><x") == "check-cis-4-1---x")
    }

    @Test("the daily chart spans the window's days and its bars add up to the findings")
    func dailyChart() throws {
        let check = try Self.report.check("log-coverage")
        let counts = check.dailyCounts
        #expect(counts.values.reduce(0, +) == check.count)
        let week = ReportWindow(from: Timestamp.parse("2026-11-17"), to: Timestamp.parse("2026-11-24"))
        let svg = SVGChart.dailyBars(counts: counts, window: week, label: "x")
        #expect(svg.contains(">2026-11-17<") && svg.contains(">2026-11-23<"))
        #expect(Self.count("<rect ", in: svg) == 1)
        #expect(svg.contains("<title>2026-11-20: \(check.count) findings</title>"))
    }
}
