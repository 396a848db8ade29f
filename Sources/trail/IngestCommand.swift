import ArgumentParser
import Foundation
import TrailCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load CloudTrail log files into the database, then attribute every event.",
        discussion: """
        PATH is a directory (walked recursively: the S3 layout AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/, \
        organization trails AWSLogs/o-xxxx/<acct>/…, or any tree of .json.gz/.json files), a single file, \
        or - for standard input. Accepted shapes: CloudTrail's {"Records":[…]}, NDJSON, EventBridge events, \
        and `aws cloudtrail lookup-events` output. Digest files (CloudTrail-Digest/) are recorded, not parsed as events.

        Re-running is cheap and safe: unchanged files are skipped using the ledger (the files table), an \
        event seen twice is stored once, and each file commits with its ledger row, so an interrupted run \
        resumes where it stopped.

        A broken file is reported on stderr, recorded as failed in the ledger, and the rest is ingested; \
        the exit status is then 2. A file with some bad records keeps its good ones (status partial).

        Examples:
          trail ingest ~/AWSLogs
          trail ingest --db audit.db 2026/11/28/*.json.gz
          aws cloudtrail lookup-events --max-results 50 | trail ingest -
          trail ingest --json --quiet AWSLogs/ > summary.json
        """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Directories, files, or - for stdin.", valueName: "path"))
    var paths: [String]

    @Flag(help: "Stop at the first file that fails or has rejected records.")
    var strict = false

    @Flag(help: "Read again files that failed on an earlier run even if they have not changed.")
    var retryFailed = false

    @Option(name: .shortAndLong, help: "Parser threads (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Load only; skip linking sessions and resolving origins.")
    var noAttribution = false

    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress and no summary on stderr; problems are still reported.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if paths.isEmpty { throw ValidationError("give at least one path (a directory, a file, or - for stdin)") }
    }

    func run() throws {
        // Under a file-size limit (ulimit -f) a write must fail with an error SQLite reports
        // and rolls back, not kill the process with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        var options = IngestOptions()
        options.strict = strict
        options.retryFailed = retryFailed
        if let jobs { options.jobs = jobs }
        options.attribute = !noAttribution
        let reporter = StderrReporter(showProgress: !quiet && stderrIsTerminal)
        let summary: IngestSummary
        do {
            let inputs = try InputDiscovery.scan(paths)
            if inputs.files.isEmpty && inputs.skipped.isEmpty {
                printError("warning: no log files (.json, .json.gz, .jsonl, .ndjson) found under \(paths.joined(separator: " "))")
            }
            summary = try Ingester(databasePath: database.path, options: options, reporter: reporter).run(inputs)
        } catch {
            throw fail(error)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(summary) { print(String(decoding: data, as: UTF8.self)) }
        } else if !quiet {
            FileHandle.standardError.write(Data((summary.text + "\n").utf8))
        }
        if summary.hasProblems { throw ExitCode(ExitStatus.inputProblems.rawValue) }
    }
}

/// Problems as lines on stderr; a one-line progress bar when stderr is a terminal.
final class StderrReporter: IngestReporter {
    let showProgress: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(showProgress: Bool) { self.showProgress = showProgress }

    func problem(_ line: String) {
        clear()
        FileHandle.standardError.write(Data("trail: \(line)\n".utf8))
    }

    func progress(filesDone: Int, filesTotal: Int, events: Int, elapsed: Double) {
        guard showProgress, filesDone == filesTotal || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let width = 24
        let fraction = filesTotal > 0 ? Double(filesDone) / Double(filesTotal) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Int(Double(events) / elapsed) : 0
        let eta = fraction > 0 && fraction < 1 ? Int(elapsed / fraction - elapsed) : 0
        let line = "\r\u{1B}[2K\(bar) \(filesDone)/\(filesTotal) files  \(events) events  \(rate)/s  ETA \(eta)s"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finishProgress() { clear() }

    private func clear() {
        if drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
            drawn = false
        }
    }
}
