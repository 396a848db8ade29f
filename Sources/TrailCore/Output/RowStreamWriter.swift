#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Prints a query's rows as SQLite steps them, so the output of a query is never held whole:
/// JSON (`[`, the rows, `]`), JSON Lines and CSV write each row into the sink at once; a table
/// keeps one window of rows to measure its columns, prints it, then prints every later row in
/// that window's layout. With a row limit (a table at a terminal) the rows past it are counted,
/// not kept.
public final class RowStreamWriter {
    /// Rows a table measures before it prints anything.
    public static let tableWindow = 1_000

    public let format: OutputFormat
    private let sink: ByteSink
    private let table: TableFormatter
    /// Rows a table shows at most (nil: all); the other formats are always complete.
    private let limit: Int?
    private let note: (String) -> Void

    private var columns: [String] = []
    private var row: RowBuffer = RowBuffer(columns: [])
    private var keys: JSONWriter.ObjectKeys = JSONWriter.ObjectKeys([])
    private var layout: TableFormatter.Layout?
    public private(set) var rowCount = 0
    /// Rows past the limit, counted but not printed.
    public private(set) var leftOut = 0
    /// When the sink last wrote its buffer: rows that come slowly are not held back for long.
    private var lastFlush: UInt64 = 0

    /// `flushEachRow`: hand every row to the descriptor at once (a terminal, where a person
    /// waits for each line); otherwise full blocks, and whatever is buffered after a pause.
    private let flushEachRow: Bool

    public init(format: OutputFormat, width: Int?, limit: Int?, to sink: ByteSink, flushEachRow: Bool = false,
                note: @escaping (String) -> Void) {
        self.format = format
        self.sink = sink
        self.table = TableFormatter(width: width)
        self.limit = format == .table ? limit : nil
        self.flushEachRow = flushEachRow
        self.note = note
    }

    public func begin(columns: [String]) {
        self.columns = columns
        row = RowBuffer(columns: columns)
        keys = JSONWriter.ObjectKeys(columns)
        lastFlush = Self.monotonicMilliseconds()
        switch format {
        case .csv: CSVWriter.writeHeader(columns, to: sink)
        case .json, .jsonl, .table: break
        }
    }

    /// The statement's current row. Throws the sink's write error, so that a query whose reader
    /// went away (`| head -1`) stops rather than runs on to its end.
    public func append(_ statement: Statement) throws {
        if let limit, rowCount >= limit {
            leftOut += 1
            return
        }
        switch format {
        case .table:
            row.append(statement)
            rowCount += 1
            if let layout {
                table.writeRows(row, layout, to: sink)
                row.removeAll()
            } else if rowCount >= Self.tableWindow {
                printWindow()
            }
        case .json:
            row.removeAll()
            row.append(statement)
            sink.write(rowCount == 0 ? "[\n  {" : ",\n  {")
            writeMembers()
            sink.write(byte: UInt8(ascii: "}"))
            rowCount += 1
        case .jsonl:
            row.removeAll()
            row.append(statement)
            sink.write(byte: UInt8(ascii: "{"))
            writeMembers()
            sink.write("}\n")
            rowCount += 1
        case .csv:
            row.removeAll()
            row.append(statement)
            CSVWriter.writeRows(row, to: sink)
            rowCount += 1
        }
        pace()
        if let failure = sink.failure { throw failure }
    }

    /// After the last row: closes the JSON array, prints a table still in its first window,
    /// and says what a table left out.
    public func end() {
        switch format {
        case .table:
            if layout == nil {
                if rowCount == 0 {
                    sink.flush()
                    note("(no rows)")
                } else {
                    printWindow()
                }
            }
            if leftOut > 0 {
                sink.flush()
                note("(\(rowCount) of \(rowCount + leftOut) rows shown; --limit 0 shows all, or use --format csv, json or jsonl)")
            }
        case .json: sink.write(rowCount == 0 ? "[]\n" : "\n]\n")
        case .jsonl, .csv: break
        }
    }

    private func printWindow() {
        guard let layout = table.layout(row) else { return }
        table.writeHeader(layout, to: sink)
        table.writeRows(row, layout, to: sink)
        self.layout = layout
        row.removeAll()
    }

    private func writeMembers() {
        row.withCells { buffer, cells in keys.writeMembers(buffer, cells[...], to: sink) }
    }

    /// Writes full blocks; on a terminal every row; otherwise also what a slow query has
    /// produced once a quarter of a second has passed, so a reader (`| head -1`) sees the first
    /// rows without waiting for a block to fill.
    private func pace() {
        // The first row at once: a reader such as `| head -1` may want nothing more.
        if flushEachRow || rowCount == 1 || sink.position >= ByteSink.blockSize {
            sink.flush()
            return
        }
        // Every 64 rows is often enough for a query slow enough to need it.
        guard rowCount & 63 == 0 || rowCount < 64 else { return }
        let now = Self.monotonicMilliseconds()
        if now &- lastFlush >= 250 {
            sink.flush()
            lastFlush = now
        }
    }

    static func monotonicMilliseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec) / 1_000_000
    }
}
