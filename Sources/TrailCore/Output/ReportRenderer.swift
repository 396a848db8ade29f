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

    /// The report as chunks in order: each note, and the data between them, with section pieces
    /// as separate chunks.
    public func render(_ report: Report) -> [Chunk] {
        let sink = ByteSink()
        var chunks: [Chunk] = []
        func endData() { if !sink.bytes.isEmpty { chunks.append(.data(sink.take())) } }
        write(report, to: sink, endPiece: endData) { note in
            endData()
            chunks.append(.note(note))
        }
        endData()
        return chunks
    }

    /// Writes the data into `sink` and hands each note to `note` (after everything written
    /// before it has been flushed, so a terminal shows both in order).
    public func write(_ report: Report, to sink: ByteSink, note: (String) -> Void) {
        write(report, to: sink, endPiece: {}) { text in
            sink.flush()
            note(text)
        }
    }

    /// Writes `rows` as a report of one section of rows would be written: `trail query` hands
    /// its rows over this way, as bytes.
    public func write(_ rows: RowBuffer, to sink: ByteSink, note: (String) -> Void) {
        writeRows(rows, to: sink) { text in
            sink.flush()
            note(text)
        }
    }

    private func writeRows(_ rows: RowBuffer, to sink: ByteSink, note: (String) -> Void) {
        switch format {
        case .table:
            if rows.isEmpty { note("(no rows)") } else { TableFormatter(width: width).write(rows, to: sink) }
        case .json: JSONWriter.writeArray(rows, to: sink)
        case .jsonl: JSONWriter.writeLines(rows, to: sink)
        case .csv: CSVWriter.write(rows, to: sink)
        }
    }

    private func write(_ report: Report, to sink: ByteSink, endPiece: () -> Void, note: (String) -> Void) {
        for text in report.notes { note(text) }
        if report.sections.count == 1, let only = report.sections.first, only.layout == .rows {
            return writeRows(RowBuffer(only.result), to: sink, note: note)
        }
        let multiple = report.sections.count > 1
        switch format {
        case .table:
            let table = TableFormatter(width: width)
            for (n, section) in report.sections.enumerated() {
                if multiple {
                    sink.write((n > 0 ? "\n" : "") + "== \(section.title) ==\n")
                    endPiece()
                }
                if section.result.rows.isEmpty {
                    note("(no rows)")
                } else {
                    switch section.layout {
                    case .rows: table.write(section.result, to: sink)
                    case .record: sink.write(table.formatRecord(section.result))
                    case .records: sink.write(table.formatRecords(section.result))
                    }
                    endPiece()
                }
            }
        case .json:
            if multiple {
                JSONWriter.writeSections(report, to: sink)
            } else {
                JSONWriter.writeArray(report.sections.first?.result ?? ResultSet(columns: []), to: sink)
            }
        case .jsonl:
            for section in report.sections {
                JSONWriter.writeLines(section.result, leading: multiple ? ("section", section.title) : nil, to: sink)
                endPiece()
            }
        case .csv:
            for (n, section) in report.sections.enumerated() {
                if n > 0 { sink.write("\r\n") }
                CSVWriter.write(section.result, to: sink)
                endPiece()
            }
        }
    }

    /// The data chunks joined, for callers that only want stdout.
    public func stdoutText(_ report: Report) -> String {
        let sink = ByteSink()
        write(report, to: sink) { _ in }
        return sink.take()
    }
}
