import Foundation
import Testing
@testable import TrailCore

/// CSV read back with the strict RFC 4180 reader shared by the tests (ReportTestSupport.swift).
func parseCSV(_ text: String) throws -> [[String]] { try RFC4180.parse(text) }

@Suite("Format: table, JSON, JSON lines, CSV")
struct FormatTests {
    static let tricky = ResultSet(columns: ["name", "count", "ratio", "note", "missing"], rows: [
        [.text("alice"), .integer(13), .real(0.25), .text("plain"), .null],
        [.text("quote \"and\", comma"), .integer(-5), .real(3.0), .text("line\nbreak\r\nand tab\t"), .null],
        [.text("unicode ✓ é 🚀"), .integer(Int64.max), .real(-1e-7), .text("\\backslash \u{01} control"), .text("")],
    ])

    @Test("JSON is an array of objects that parses back, keys in column order")
    func jsonRoundTrip() throws {
        let text = JSONWriter.array(Self.tricky)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 3)
        #expect(parsed[0]["name"] as? String == "alice")
        #expect((parsed[0]["count"] as? NSNumber)?.int64Value == 13)
        #expect((parsed[0]["ratio"] as? NSNumber)?.doubleValue == 0.25)
        #expect(parsed[0]["missing"] is NSNull)
        #expect(parsed[1]["name"] as? String == "quote \"and\", comma")
        #expect(parsed[1]["note"] as? String == "line\nbreak\r\nand tab\t")
        #expect((parsed[1]["count"] as? NSNumber)?.int64Value == -5)
        #expect(parsed[2]["name"] as? String == "unicode ✓ é 🚀")
        #expect((parsed[2]["count"] as? NSNumber)?.int64Value == Int64.max)
        #expect(parsed[2]["note"] as? String == "\\backslash \u{01} control")
        #expect(parsed[2]["missing"] as? String == "")
        // Keys follow the columns, on every line.
        for line in text.split(separator: "\n") where line.contains("{") {
            let positions = Self.tricky.columns.compactMap { line.range(of: "\"\($0)\":")?.lowerBound }
            #expect(positions.count == 5 && positions == positions.sorted())
        }
        #expect(JSONWriter.array(ResultSet(columns: ["a"])) == "[]\n")
    }

    @Test("JSON lines: one object per line, nothing for no rows")
    func jsonLines() throws {
        let text = JSONWriter.lines(Self.tricky)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines.last == "")
        for (i, line) in lines.dropLast().enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object.count == 5)
            #expect(object["name"] as? String == Self.tricky.rows[i][0].textValue)
        }
        #expect(JSONWriter.lines(ResultSet(columns: ["a"])) == "")
    }

    @Test("CSV is RFC 4180 and parses back")
    func csvRoundTrip() throws {
        let text = CSVWriter.format(Self.tricky)
        #expect(text.hasSuffix("\r\n"))
        let records = try parseCSV(text)
        #expect(records.count == 4)
        #expect(records[0] == ["name", "count", "ratio", "note", "missing"])
        #expect(records[1] == ["alice", "13", "0.25", "plain", ""])
        #expect(records[2] == ["quote \"and\", comma", "-5", "3.0", "line\nbreak\r\nand tab\t", ""])
        #expect(records[3] == ["unicode ✓ é 🚀", "9223372036854775807", "-1e-07", "\\backslash \u{01} control", ""])
        #expect(CSVWriter.format(ResultSet(columns: ["a", "b"])) == "a,b\r\n")
    }

    static let formulas: [(String, String)] = [
        ("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"), ("a=b", "a=b"), ("'quoted", "'quoted"),
    ]

    @Test("CSV text that a spreadsheet would evaluate is prefixed with '", arguments: formulas)
    func formulaNeutralised(input: String, expected: String) throws {
        let text = CSVWriter.format(ResultSet(columns: ["v", "n"], rows: [[.text(input), .integer(-5)]]))
        let records = try parseCSV(text)
        #expect(records[1] == [expected, "-5"])
    }

    @Test("CSV of real data: the formula-like user agent in the fixture is neutralised")
    func csvRealData() throws {
        let result = try QueryFixture.runner().run(sql: "SELECT event_id, user_agent FROM event_attribution WHERE event_id = 'q-dev-005'")
        let records = try parseCSV(ReportRenderer(format: .csv, width: nil).stdoutText(Report(result)))
        #expect(records == [["event_id", "user_agent"], ["q-dev-005", "'=HYPERLINK(\"http://198.51.100.99/x\",\"click\")"]])
    }

    @Test("tables fit a narrow width, cutting long cells with …")
    func tableTruncation() throws {
        let result = ResultSet(columns: ["time", "identity", "events", "message"], rows: [
            [.text("2026-11-20T10:01:00Z"), .text("arn:aws:iam::111122223333:user/alice"), .integer(13), .text("a long free-text message that will not fit")],
            [.text("2026-11-20T10:02:00Z"), .text("arn:aws:iam::444455556666:root"), .integer(1), .null],
        ])
        let text = TableFormatter(width: 60).format(result)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        for line in lines { #expect(line.count <= 60, "\(line)") }
        #expect(text.contains("…"))
        #expect(lines[2].hasPrefix("2026-11-20T10:01:00Z"))        // short columns stay whole
        #expect(lines[2].contains(":user/alice") && !lines[2].contains("arn:aws"))  // ARNs keep their end
        #expect(lines[2].contains("13"))
        #expect(lines[2].contains("a long") && lines[2].hasSuffix("…"))
        // Without a limit nothing is cut.
        let wide = TableFormatter(width: nil).format(result)
        #expect(!wide.contains("…") && wide.contains("arn:aws:iam::111122223333:user/alice"))
        // Very narrow: every column at its floor, still with the ellipsis.
        let tiny = TableFormatter(width: 10).format(result)
        #expect(tiny.split(separator: "\n").allSatisfy { $0.count <= 4 * TableFormatter.minimumColumnWidth + 3 * TableFormatter.gap })
    }

    @Test("tables of real output fit the width; numbers are right-aligned; control characters are defused")
    func tableRealData() throws {
        let report = try QueryFixture.investigator().did(identity: "alice", filter: EventFilter())
        let text = ReportRenderer(format: .table, width: 80).stdoutText(report)
        for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        #expect(text.split(separator: "\n").count == 15)
        let numbers = TableFormatter(width: nil).format(ResultSet(columns: ["n"], rows: [[.integer(5)], [.integer(12345)]]))
        #expect(numbers == "    n\n-----\n    5\n12345\n")
        let escape = TableFormatter(width: nil).format(ResultSet(columns: ["v"], rows: [[.text("a\u{1B}[31mred\nb")]]))
        #expect(!escape.contains("\u{1B}") && escape.contains("a\u{FFFD}[31mred b"))
    }

    @Test("the renderer: (no rows) on stderr, sections per format")
    func renderer() throws {
        let empty = ReportRenderer(format: .table, width: 80).render(Report(ResultSet(columns: ["a"])))
        #expect(empty == [.note("(no rows)")])
        #expect(ReportRenderer(format: .json, width: 80).render(Report(ResultSet(columns: ["a"]))) == [.data("[]\n")])
        #expect(ReportRenderer(format: .csv, width: 80).render(Report(ResultSet(columns: ["a"]))) == [.data("a\r\n")])

        let report = Report(sections: [
            .init("summary", ResultSet(columns: ["k", "v"], rows: [[.text("x"), .integer(1)]]), layout: .record),
            .init("rows", ResultSet(columns: ["a"], rows: [[.text("p")], [.text("q")]])),
            .init("none", ResultSet(columns: ["z"])),
        ], notes: ["a remark"])
        let table = ReportRenderer(format: .table, width: 80).render(report)
        #expect(table.first == .note("a remark"))
        #expect(table.contains(.data("== summary ==\n")) && table.contains(.data("k  x\nv  1\n")) && table.contains(.note("(no rows)")))
        let json = ReportRenderer(format: .json, width: 80).stdoutText(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["rows"] as? [[String: Any]])?.count == 2)
        #expect((object["none"] as? [Any])?.isEmpty == true)
        #expect((object["summary"] as? [[String: Any]])?.first?["v"] as? Int == 1)
        let jsonl = ReportRenderer(format: .jsonl, width: 80).stdoutText(report)
        let lines = try jsonl.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.map { $0["section"] as? String } == ["summary", "rows", "rows"])
        #expect(jsonl.hasPrefix("{\"section\":\"summary\","))
        let csv = ReportRenderer(format: .csv, width: 80).stdoutText(report)
        let blocks = csv.components(separatedBy: "\r\n\r\n")
        #expect(try blocks.map { try parseCSV($0) } == [[["k", "v"], ["x", "1"]], [["a"], ["p"], ["q"]], [["z"]]])
    }

    /// Values that take each writer's unusual paths: invalid UTF-8, non-finite reals, a blob,
    /// control characters, wide text, NULL and the empty string.
    static let awkwardSQL = """
        SELECT 'alice' AS name, 13 AS count, 0.25 AS ratio, CAST(x'ff41c3' AS TEXT) AS bad_utf8, 9e999 AS inf, -9e999 AS ninf,
               x'00015a' AS blob, 'line' || char(10) || 'break, "quoted"' AS note, char(27) || '[31mred' AS control,
               'unicode ✓ é 🚀 ' || char(133) AS wide, NULL AS missing, '' AS empty, '=cmd' AS formula
        UNION ALL
        SELECT 'arn:aws:iam::123456789012:user/a-very-long-user-name', -5, 3.0, 'ok', 1.5, -2.0, x'41', 'plain', '', 'x', NULL,
               'y', '+1'
        """

    @Test("rows read straight from SQLite as bytes print exactly as the values read as Strings", arguments: OutputFormat.allCases)
    func bytesAndValuesPrintAlike(format: OutputFormat) throws {
        let runner = try QueryFixture.runner()
        let values = try runner.run(sql: Self.awkwardSQL)
        let bytes = try runner.rows(sql: Self.awkwardSQL)
        #expect(bytes.rowCount == 2 && values.rows.count == 2)
        for width in [nil, 40] as [Int?] {
            let renderer = ReportRenderer(format: format, width: width)
            let sink = ByteSink()
            var notes: [String] = []
            renderer.write(bytes, to: sink) { notes.append($0) }
            let printed = sink.take()
            #expect(notes.isEmpty)
            #expect(printed == renderer.stdoutText(Report(values)), "\(format) width \(width.map(String.init) ?? "none")")
            // What the String route gives for the invalid bytes, the byte route must give too.
            #expect(printed.contains("\u{FFFD}A"))
        }
        if format == .json {
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(JSONWriter.array(values).utf8)) as? [[String: Any]])
            #expect(parsed[0]["inf"] is NSNull && parsed[0]["ninf"] is NSNull && (parsed[1]["inf"] as? Double) == 1.5)
        }
    }

    @Test("terminal width: $COLUMNS when set, else no limit when stdout is not a terminal")
    func terminalWidth() {
        #expect(TerminalWidth.current(environment: ["COLUMNS": "77"]) == 77)
        if isatty(STDOUT_FILENO) == 0 {
            #expect(TerminalWidth.current(environment: [:]) == nil)
            #expect(TerminalWidth.current(environment: ["COLUMNS": "zero"]) == nil)
        }
    }
}
