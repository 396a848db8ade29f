import ArgumentParser
import Foundation
import TrailCore

extension ReportFormat: ExpressibleByArgument {}
extension ReportDefinition.Severity: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Run compliance checks (CIS 4.1-4.15, identity hygiene, log coverage) over a time window.",
        discussion: """
        A check is a named query whose header has a `-- report: ID` line (with title, severity, \
        cis, rationale and the CloudWatch filter it implements); NAME is its id (cis-4.1) or its \
        query name (cis-4-1-unauthorized-api-calls). Your own checks are .sql files in --queries \
        DIR or $TRAIL_QUERIES (see `trail query --help`); a file of the same name replaces a \
        built-in check.

        The report states the window, the coverage (files ingested and failed, events in the \
        window and their first and last time, the hours with logs per account and region), a \
        summary of the checks, then every finding with its time, account, event, resources, \
        session, role chain and the resolved origin. Reports are deterministic: the same database \
        and window give the same bytes, and ingesting the same logs again changes nothing.

        Window: --since 24h (a duration) is the last 24 hours up to now. --from/--to (also spelled \
        --since/--until) take ISO-8601 times, dates (midnight UTC), @<unix seconds> or durations; \
        a window given by times and no end is open. No window: every event.

        Formats: text (tables), markdown (GitHub tables), json (one object: window, coverage, \
        checks with their findings), csv (one header, one row per finding, check columns first, \
        spreadsheet formulas neutralised), html (one self-contained page: inline CSS and SVG, no \
        scripts; daily charts and an hourly coverage strip). -o writes the file atomically \
        (a temporary file, then a rename).

        Exit codes: 0 done (no findings, or findings without --fail-on-findings); 1 findings and \
        --fail-on-findings; 3 database missing or unreadable; 4 unknown report, bad option value, \
        a broken check file, or the -o file cannot be written; 64 usage error.

        Examples:
          trail report --list
          trail report --all --since 24h
          trail report cis-4.1 cis-4.3 --from 2026-11-01 --to 2026-12-01
          trail report --all --from 2026-11-01 --format markdown > november.md
          trail report --all --account 444455556666 --since 7d --format json
          trail report --all --since 24h --format html -o day.html --fail-on-findings
          TRAIL_QUERIES=~/checks trail report my-check --since 30d --format csv
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Checks to run, by id or query name (see --list).", valueName: "name"))
    var names: [String] = []

    @Flag(help: "Run every check.")
    var all = false

    @Flag(help: "List the checks (id, title, severity, CIS control, query, source) and exit.")
    var list = false

    @Option(name: [.customLong("since"), .customLong("from")],
            help: ArgumentHelp("Start of the window: a duration back from now (24h, 7d; the window then ends now), an ISO-8601 time, a date or @<unix seconds>.",
                               valueName: "time"))
    var since: String?

    @Option(name: [.customLong("until"), .customLong("to")],
            help: ArgumentHelp("End of the window (exclusive), same forms.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only this AWS account's events.", valueName: "id"))
    var account: String?

    @Option(help: ArgumentHelp("text, markdown, json, csv or html.", valueName: "format"))
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(help: "Exit 1 when any check has findings (0 when none), for cron jobs and CI.")
    var failOnFindings = false

    @Option(help: ArgumentHelp("Only run checks of at least this severity: high, medium, low or info (default info: all).", valueName: "severity"))
    var minSeverity: ReportDefinition.Severity = .info

    @Option(name: .customLong("queries"),
            help: ArgumentHelp("A folder of your own .sql queries and checks (repeatable; : separates several), searched before $TRAIL_QUERIES and the built-in ones.",
                               valueName: "dir"))
    var queryFolders: [String] = []

    @Option(help: ArgumentHelp("Fit text tables to this many columns, 0 for no limit (default: the terminal's width when printing to one, else no limit).",
                               valueName: "n"))
    var width: Int?

    func validate() throws {
        let modes = [list, all, !names.isEmpty].filter { $0 }.count
        if modes == 0 { throw ValidationError("give check names, --all, or --list") }
        if modes > 1 { throw ValidationError("give either check names, --all or --list") }
        if list && format == .html { throw ValidationError("--list prints text, markdown, json or csv") }
        if let width, width < 0 { throw ValidationError("--width must be 0 or more") }
    }

    func run() throws {
        let now = currentUnixTime
        let text: String
        let report: ComplianceReport?
        do {
            let environment = ProcessInfo.processInfo.environment
            let queries = QueryCatalog.load(userDirectories: QueryCatalog.userDirectories(explicit: queryFolders, environment: environment))
            let catalog = ReportCatalog(queries)
            for problem in catalog.problems { printError("warning: \(problem)") }
            if list {
                report = nil
                text = listing(catalog.listing)
            } else {
                let checks = try catalog.select(names, all: all, minimumSeverity: minSeverity)
                if checks.isEmpty { printError("warning: no check of severity \(minSeverity.rawValue) or higher selected") }
                let window = try ReportWindow.parse(from: since, to: until, now: now)
                let db = try database.openForReading()
                let result = try ReportRunner(database: db, now: now).run(checks, window: window, account: account.flatMap { $0.isEmpty ? nil : $0 })
                report = result
                text = format.render(result, width: tableWidth)
            }
            if let output {
                try AtomicFile.write(text, to: output)
            } else {
                try writeOutput(text)
            }
        } catch {
            throw fail(error)
        }
        // Nothing else on success, so cron mails only when something went wrong; the exit code
        // says whether there were findings.
        if failOnFindings, let report, report.hasFindings { throw ExitCode(ExitStatus.findings.rawValue) }
    }

    /// Text tables are cut to the terminal only when they go to one; a file or a pipe gets whole
    /// values, so the same report is the same bytes wherever it is written.
    var tableWidth: Int? {
        if let width { return width == 0 ? nil : width }
        guard output == nil, isatty(1) == 1 else { return nil }
        return TerminalWidth.current(environment: ProcessInfo.processInfo.environment)
    }

    func listing(_ result: ResultSet) -> String {
        switch format {
        case .json: return ReportRenderer(format: .json, width: nil).stdoutText(Report(result))
        case .csv: return CSVWriter.format(result)
        case .markdown:
            return MarkdownReport.table(result.columns, result.rows.map { $0.map { MarkdownReport.escape($0.textValue ?? "") } },
                                        numeric: result.columns.map { _ in false })
        case .text, .html: return TableFormatter(width: tableWidth).format(result)
        }
    }
}
