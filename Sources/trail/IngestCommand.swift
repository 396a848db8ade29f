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

    static let jobRange = 1...64

    @Option(name: .shortAndLong, help: "Parser threads, 1 to 64 (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Load only; skip linking sessions and resolving origins.")
    var noAttribution = false

    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

    @Flag(name: .shortAndLong, help: "No progress and no summary on stderr; problems are still reported.")
    var quiet = false

    func validate() throws {
        // Each job is a parser thread with a file of up to 512 MiB in flight: a million of them
        // would never start. 64 is more than the pipeline's single writer can keep busy.
        if let jobs, !Self.jobRange.contains(jobs) {
            throw ValidationError("--jobs must be between \(Self.jobRange.lowerBound) and \(Self.jobRange.upperBound), not \(jobs)")
        }
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
            do {
                // The load is committed either way; a summary that cannot be written is still
                // an error, since a batch job reading it would otherwise see nothing and exit 0.
                try writeOutput(String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n")
            } catch {
                throw fail(error)
            }
        } else if !quiet {
            // Several lines by design; each escaped on its own.
            for line in summary.text.split(separator: "\n") { printNote(String(line)) }
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
        // Paths and record values inside the line are escaped: a file named with an escape
        // sequence or a newline is still one inert line.
        printError(line)
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
        StandardStreams.writeError(line)
        drawn = true
    }

    func finishProgress() { clear() }

    private func clear() {
        if drawn {
            StandardStreams.writeError("\r\u{1B}[2K")
            drawn = false
        }
    }
}
