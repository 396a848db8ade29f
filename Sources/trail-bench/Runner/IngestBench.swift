import Foundation

/// The fields of `trail ingest --json` the benchmark reads. Every field is optional so that a
/// trail build with a different summary still benchmarks (missing figures print as n/a).
struct TrailIngestSummary: Decodable {
    struct Attribution: Decodable {
        var seconds: Double?
        var sessions: Int?
        var sessionsUnknown: Int?
    }

    var eventsNew: Int?
    var eventsDuplicate: Int?
    var bytesRead: Int?
    var bytesInflated: Int?
    var elapsedSeconds: Double?
    var loadSeconds: Double?
    var indexSeconds: Double?
    var filesIngested: Int?
    var filesFailed: Int?
    var filesPartial: Int?
    var recordsRejected: Int?
    var attribution: Attribution?
}

/// One measured ingest (trail or baseline).
struct IngestMeasurement {
    var process: ProcessResult
    var events: Int
    var trail: TrailIngestSummary?
}

/// `trail ingest --db <work>/bench.db --json --quiet <corpus>` on a fresh database, `runs` times.
struct IngestBench {
    let trail: String
    let corpus: String
    let work: String
    let jobs: Int?

    var databasePath: String { "\(work)/bench.db" }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    func runOnce(_ index: Int, log: (String) -> Void) throws -> IngestMeasurement {
        Self.removeDatabase(databasePath)
        var argv = [trail, "ingest", "--db", databasePath, "--json", "--quiet"]
        if let jobs { argv += ["--jobs", String(jobs)] }
        argv.append(corpus)
        let result = try ProcessRunner.run(argv, stdout: "\(work)/ingest-\(index).json", stderr: "\(work)/ingest-\(index).err")
        // Exit 2 means some input failed; the figures are still worth reporting, with the warning.
        guard result.signal == nil, result.exitCode == 0 || result.exitCode == 2 else {
            throw BenchFailure("trail ingest failed (\(result.statusText)):\n\(result.stderrTail())")
        }
        let summary = try? JSONDecoder().decode(TrailIngestSummary.self, from: Data(result.stdoutText().utf8))
        if summary == nil { log("  warning: could not read trail's --json summary from \(work)/ingest-\(index).json") }
        if result.exitCode == 2 { log("  warning: trail reported input problems (exit 2); see \(work)/ingest-\(index).err") }
        let m = IngestMeasurement(process: result, events: summary?.eventsNew ?? 0, trail: summary)
        log("  trail run \(index): \(Units.seconds(result.wallSeconds)) wall, \(Units.rate(Double(m.events) / result.wallSeconds)) events/s, "
            + "peak RSS \(Units.fixed(result.peakRSSMiB, 1)) MB, attribution \(summary?.attribution?.seconds.map(Units.seconds) ?? "n/a")")
        return m
    }
}

/// `python3 bench/baseline_ingest.py <corpus> <db>`, measured the same way.
struct BaselineBench {
    let python: String
    let script: String
    let corpus: String
    let work: String

    struct Output: Decodable {
        var events: Int
        var seconds: Double
    }

    func runOnce(_ index: Int, log: (String) -> Void) throws -> IngestMeasurement {
        let db = "\(work)/baseline.db"
        IngestBench.removeDatabase(db)
        let result = try ProcessRunner.run([python, script, corpus, db], stdout: "\(work)/baseline-\(index).json",
                                           stderr: "\(work)/baseline-\(index).err")
        guard result.succeeded else {
            throw BenchFailure("baseline failed (\(result.statusText)):\n\(result.stderrTail())")
        }
        let output = try? JSONDecoder().decode(Output.self, from: Data(result.stdoutText().utf8))
        let m = IngestMeasurement(process: result, events: output?.events ?? 0, trail: nil)
        log("  baseline run \(index): \(Units.seconds(result.wallSeconds)) wall, \(Units.rate(Double(m.events) / result.wallSeconds)) events/s, "
            + "peak RSS \(Units.fixed(result.peakRSSMiB, 1)) MB")
        IngestBench.removeDatabase(db)
        return m
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
