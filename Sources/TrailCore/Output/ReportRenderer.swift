/// Turns a report into what goes to stdout (data) and stderr (notes such as "(no rows)"), in
/// the order they should be written.
///
/// A single-section report prints like a plain result set: a table, a JSON array, JSON lines or
/// one CSV document. A report with several sections prints each under its title as a table;
/// as one JSON object keyed by section title; as JSON lines whose first key is `section`; or as
/// CSV blocks, each with its own header row, separated by one empty line.
public struct ReportRenderer: Sendable {
    public enum Chunk: Sendable, Equatable {
        case data(String)
        case note(String)
    }

    public var format: OutputFormat
    public var width: Int?

    public init(format: OutputFormat, width: Int?) {
        self.format = format
        self.width = width
    }

    public func render(_ result: ResultSet) -> [Chunk] { render(Report(result)) }

    public func render(_ report: Report) -> [Chunk] {
        report.notes.map { .note($0) } + renderData(report)
    }

    private func renderData(_ report: Report) -> [Chunk] {
        let multiple = report.sections.count > 1
        switch format {
        case .table:
            var chunks: [Chunk] = []
            let table = TableFormatter(width: width)
            for (n, section) in report.sections.enumerated() {
                if multiple { chunks.append(.data((n > 0 ? "\n" : "") + "== \(section.title) ==\n")) }
                if section.result.rows.isEmpty {
                    chunks.append(.note("(no rows)"))
                } else {
                    switch section.layout {
                    case .rows: chunks.append(.data(table.format(section.result)))
                    case .record: chunks.append(.data(table.formatRecord(section.result)))
                    case .records: chunks.append(.data(table.formatRecords(section.result)))
                    }
                }
            }
            return chunks
        case .json:
            guard multiple, !report.sections.isEmpty else { return [.data(JSONWriter.array(report.sections.first?.result ?? ResultSet(columns: [])))] }
            return [.data(JSONWriter.sections(report))]
        case .jsonl:
            return report.sections.map { section in
                .data(JSONWriter.lines(section.result, leading: multiple ? ("section", section.title) : nil))
            }
        case .csv:
            return report.sections.enumerated().map { n, section in
                .data((n > 0 ? "\r\n" : "") + CSVWriter.format(section.result))
            }
        }
    }

    /// The data chunks joined, for callers that only want stdout.
    public func stdoutText(_ report: Report) -> String {
        render(report).compactMap { if case .data(let text) = $0 { return text } else { return nil } }.joined()
    }
}
