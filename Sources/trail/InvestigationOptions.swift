import ArgumentParser
import Foundation
import TrailCore

// Option groups and helpers shared by `query`, `schema`, `who`, `did`, `session`, `key` and
// `explain`. The work itself is in TrailCore (Query/, Output/); commands only parse and print.

extension OutputFormat: ExpressibleByArgument {}

/// `--format` and `--width`.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("table (for people), json (an array of objects, keys in column order), jsonl (one object per line) or csv (RFC 4180 with a header row).",
                               valueName: "format"))
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Fit tables to this many columns, 0 for no limit (default: $COLUMNS, else the terminal's width; no limit into a pipe or file).",
                               valueName: "n"))
    var width: Int?

    func validate() throws {
        if let width, width < 0 { throw ValidationError("--width must be 0 or more") }
    }

    var tableWidth: Int? {
        if let width { return width == 0 ? nil : width }
        return TerminalWidth.current(environment: ProcessInfo.processInfo.environment)
    }

    /// Data to stdout, remarks such as "(no rows)" to stderr, in order. Throws `WriteFailure`
    /// when stdout could not take it all.
    func emit(_ report: Report) throws {
        let stdout = ByteSink(descriptor: STDOUT_FILENO)
        ReportRenderer(format: format, width: tableWidth).write(report, to: stdout, note: printNote)
        try stdout.finish()
    }

    /// Streams a query's rows to stdout as `body` steps them (see `RowStreamWriter`). A table
    /// shows `limit` rows, else `RowStreamWriter.tableWindow` at a terminal, else all.
    func stream(limit: Int?, _ body: (RowStreamWriter) throws -> Void) throws {
        let stdout = ByteSink(descriptor: STDOUT_FILENO)
        let terminal = isatty(STDOUT_FILENO) == 1
        let rowLimit: Int? = limit.map { $0 == 0 ? nil : $0 } ?? (terminal ? RowStreamWriter.tableWindow : nil)
        let writer = RowStreamWriter(format: format, width: tableWidth, limit: rowLimit, to: stdout, flushEachRow: terminal, note: printNote)
        do {
            try body(writer)
        } catch {
            // What was printed before the error is kept; a JSON array stays open, which a reader
            // sees as the truncation it is, beside the error and exit status.
            stdout.flush()
            throw error
        }
        try stdout.finish()
    }

    /// The same for a query's rows, kept as bytes (see `RowBuffer`).
    func emit(_ rows: RowBuffer) throws {
        let stdout = ByteSink(descriptor: STDOUT_FILENO)
        ReportRenderer(format: format, width: tableWidth).write(rows, to: stdout, note: printNote)
        try stdout.finish()
    }
}

/// The event filters every investigation takes.
struct FilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only events at or after this time: ISO-8601 (2026-11-20T10:00:00Z), a date (2026-11-20, midnight UTC), or a duration before now (90m, 24h, 7d, 2w).",
                               valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only events before this time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only events in this AWS account (the recipient account).", valueName: "id"))
    var account: String?

    @Option(help: ArgumentHelp("Only events in this region.", valueName: "region"))
    var region: String?

    @Option(help: ArgumentHelp("Only events of this service: s3 or s3.amazonaws.com (the eventSource).", valueName: "service"))
    var service: String?

    @Option(help: ArgumentHelp("Only events with this name (eventName); * is a wildcard.", valueName: "name"))
    var event: String?

    @Flag(help: "Only events that failed (those with an errorCode).")
    var errorsOnly = false

    func eventFilter(now: Int64) throws -> EventFilter {
        try EventFilter.parse(since: since, until: until, account: account, region: region, service: service,
                              event: event, errorsOnly: errorsOnly, now: now)
    }

    /// The filters given, as named-query arguments (a query declares the ones it takes).
    var queryArguments: [String: String] {
        var arguments: [String: String] = [:]
        arguments["since"] = since
        arguments["until"] = until
        arguments["account"] = account
        arguments["region"] = region
        arguments["service"] = service
        arguments["event"] = event
        if errorsOnly { arguments["errors_only"] = "true" }
        return arguments
    }
}

/// Now, as Unix seconds, read once per command so every relative time agrees.
var currentUnixTime: Int64 { Int64(Date().timeIntervalSince1970) }



/// The shape every investigation command shares: open the database read-only, read the
/// filters against one "now", run the investigation, print its report.
///
/// `emptyIsNotFound`: `who` and `did` answer with rows or nothing; nothing exits 5, as `key`,
/// `session` and `explain` do when what they were asked about is not there, so a script can
/// tell "no match" from an answer. The empty output (`[]`, a CSV header) is still printed.
func investigate(_ database: DatabaseOptions, _ filters: FilterOptions, _ output: OutputOptions, _ limits: QueryLimitOptions,
                 emptyIsNotFound: Bool = false,
                 _ body: (Investigator, EventFilter) throws -> Report) throws {
    let report: Report
    // Their output is small, so it is gathered before printing; each statement still stops
    // at --timeout and on Ctrl-C.
    let interruption = limits.start()
    do {
        let now = currentUnixTime
        let filter = try filters.eventFilter(now: now)
        let db = try database.openForReading()
        interruption.attach(db)
        report = try body(Investigator(database: db, now: now), filter)
    } catch {
        throw interruption.failure(error)
    }
    do {
        try output.emit(report)
    } catch {
        throw interruption.failure(error)
    }
    if emptyIsNotFound && report.sections.allSatisfy({ $0.result.rows.isEmpty }) {
        throw ExitCode(ExitStatus.notFound.rawValue)
    }
}
