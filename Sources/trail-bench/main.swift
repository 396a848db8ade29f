// trail-bench: deterministic CloudTrail corpus generator and end-to-end benchmark for `trail`.
// See BENCHMARKS.md for how to run it and the figures measured.
import Foundation
import Glibc

let usage = """
usage:
  trail-bench generate --out DIR [--events N] [--seed S] [--days D] [--start YYYY-MM-DD] [--gzip-level 1-9]
  trail-bench run [--events N] [--seed S] [--days D] [--work DIR] [--corpus DIR] [--reuse]
                  [--runs 3] [--trail PATH] [--skip-baseline] [--baseline SCRIPT] [--skip-duckdb]
                  [--duckdb SCRIPT] [--python python3]
                  [--query-runs 20] [--skip-queries] [--skip-accuracy] [--jobs N] [--db PATH]

generate  writes DIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz, DIR/ground-truth.tsv,
          DIR/query-args.tsv and DIR/manifest.json.
run       generates (or reuses) a corpus under --work (default /tmp/trail-bench), then measures the
          release `trail` binary (default .build/release/trail: run `swift build -c release` first):
          ingest throughput and peak RSS, query latency, attribution accuracy against the ground
          truth, and two peers side by side: the Python baseline (bench/baseline_ingest.py) and
          DuckDB (bench/duckdb_ingest.py, needs `pip install duckdb`; skipped with the reason when
          it cannot be imported). With --db PATH it skips ingest and the peers and measures queries and accuracy on that database
          (ingested from the same --corpus).
"""

func printErr(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

let argv = Array(CommandLine.arguments.dropFirst())
guard let command = argv.first else {
    printErr(usage)
    exit(64)
}
let rest = Array(argv.dropFirst())

do {
    switch command {
    case "generate":
        let args = try Arguments(rest, options: ["out", "events", "seed", "days", "start", "gzip-level", "workers"], switches: [])
        var options = CorpusGenerator.Options()
        guard let out = args.string("out") else { throw Arguments.UsageError(description: "generate needs --out DIR") }
        options.output = out
        options.events = try args.int("events", default: options.events, minimum: 1, maximum: 100_000_000)
        options.seed = UInt64(try args.int("seed", default: 1))
        options.days = try args.int("days", default: options.days, minimum: 1, maximum: 3_650)
        options.gzipLevel = Int32(try args.int("gzip-level", default: 6, minimum: 1, maximum: 9))
        options.workers = try args.int("workers", default: options.workers, minimum: 1, maximum: 64)
        if let start = args.string("start") {
            guard let epoch = Clock.parseDate(start) else { throw Arguments.UsageError(description: "--start must be YYYY-MM-DD") }
            options.start = epoch
        }
        _ = try CorpusGenerator(options: options).generate(log: { print($0) })
    case "run":
        let args = try Arguments(rest, options: ["events", "seed", "days", "work", "corpus", "runs", "trail", "baseline", "python",
                                                 "query-runs", "jobs", "db", "duckdb"],
                                 switches: ["reuse", "skip-baseline", "skip-duckdb", "skip-queries", "skip-accuracy"])
        let code = try BenchCommand(args).run()
        exit(code)
    case "help", "--help", "-h":
        print(usage)
    default:
        printErr("trail-bench: unknown command '\(command)'\n\(usage)")
        exit(64)
    }
} catch let error as Arguments.UsageError {
    printErr("trail-bench: \(error)\n\(usage)")
    exit(64)
} catch {
    printErr("trail-bench: \(error)")
    exit(1)
}
