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

/// One measured ingest (trail or a peer).
struct IngestMeasurement {
    var process: ProcessResult
    var events: Int
    var trail: TrailIngestSummary?
    /// The database's size on disk after the run (with its WAL or journal), when known.
    var databaseBytes: Int?
}

/// `trail ingest --db <work>/bench.db --json --quiet <corpus>` on a fresh database, `runs` times.
struct IngestBench {
    let trail: String
    let corpus: String
    let work: String
    let jobs: Int?

    var databasePath: String { "\(work)/bench.db" }

    static func removeDatabase(_ path: String) {
        // ".wal" is DuckDB's; the others SQLite's.
        for suffix in ["", "-wal", "-shm", "-journal", ".wal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
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
        let m = IngestMeasurement(process: result, events: summary?.eventsNew ?? 0, trail: summary,
                                  databaseBytes: Self.databaseBytes(databasePath))
        log("  trail run \(index): \(Units.seconds(result.wallSeconds)) wall, \(Units.rate(Double(m.events) / result.wallSeconds)) events/s, "
            + "peak RSS \(Units.fixed(result.peakRSSMiB, 1)) MB, database \(m.databaseBytes.map(Units.megabytes) ?? "n/a"), "
            + "attribution \(summary?.attribution?.seconds.map(Units.seconds) ?? "n/a")")
        return m
    }

    /// The database file plus whatever WAL or journal it left, or nil when there is no database.
    static func databaseBytes(_ path: String) -> Int? {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { return nil }
        return ["", "-wal", "-journal"].reduce(0) { total, suffix in
            total + ((try? fm.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
        }
    }
}

/// Another ingester measured beside trail on the same corpus: a Python script that loads the
/// corpus into a fresh database of its own and prints one JSON line, `files`, `events`,
/// `seconds` and `database_bytes`, or `skipped` with the reason it cannot run (a missing
/// package). Both peers go through this one mechanism so that they are measured alike.
struct Peer: Sendable {
    /// As the report names it.
    let name: String
    /// Its files under --work (`<key>-<run>.json`) and its key in the results JSON.
    let key: String
    /// Relative to the repository root.
    let defaultScript: String
    let databaseFile: String

    /// 15 columns into SQLite with the standard library: the floor a simple script reaches.
    static let pythonBaseline = Peer(name: "python baseline", key: "baseline", defaultScript: "bench/baseline_ingest.py",
                                     databaseFile: "baseline.db")
    /// DuckDB's JSON reader with the schema it detects: the columnar tool an analyst would reach for.
    static let duckdb = Peer(name: "duckdb", key: "duckdb", defaultScript: "bench/duckdb_ingest.py", databaseFile: "duckdb.duckdb")
}

/// What a peer gave over the runs: its measurements, or why it has none.
struct PeerResult {
    let peer: Peer
    var runs: [IngestMeasurement] = []
    var skipped: String?
}

/// `python3 <script> <corpus> <work>/<db>`, `runs` times, measured as trail is. A peer that cannot
/// run, or fails, is reported with the reason and the benchmark goes on: trail's figures stand
/// without it.
struct PeerBench {
    let peer: Peer
    let python: String
    let script: String
    let corpus: String
    let work: String

    struct Output: Decodable {
        var events: Int?
        var databaseBytes: Int?
        var skipped: String?

        enum CodingKeys: String, CodingKey {
            case events, skipped
            case databaseBytes = "database_bytes"
        }
    }

    func run(runs: Int, log: (String) -> Void) -> PeerResult {
        var result = PeerResult(peer: peer)
        for i in 1...runs {
            do {
                result.runs.append(try runOnce(i, log: log))
            } catch {
                result.skipped = "\(error)"
                log("  \(peer.name) run \(i): skipped: \(error)")
                break
            }
        }
        return result
    }

    private func runOnce(_ index: Int, log: (String) -> Void) throws -> IngestMeasurement {
        let db = "\(work)/\(peer.databaseFile)"
        let stdout = "\(work)/\(peer.key)-\(index).json", stderr = "\(work)/\(peer.key)-\(index).err"
        IngestBench.removeDatabase(db)
        defer { IngestBench.removeDatabase(db) }
        let result = try ProcessRunner.run([python, script, corpus, db], stdout: stdout, stderr: stderr)
        guard result.succeeded else {
            throw BenchFailure("\(script) failed (\(result.statusText)), see \(stderr):\n\(result.stderrTail())")
        }
        let output: Output
        do {
            output = try JSONDecoder().decode(Output.self, from: Data(result.stdoutText().utf8))
        } catch {
            throw BenchFailure("\(stdout): not the JSON line \(script) prints: \(error)")
        }
        if let skipped = output.skipped { throw BenchFailure(skipped) }
        let m = IngestMeasurement(process: result, events: output.events ?? 0, trail: nil, databaseBytes: output.databaseBytes)
        log("  \(peer.name) run \(index): \(Units.seconds(result.wallSeconds)) wall, \(Units.rate(Double(m.events) / result.wallSeconds)) events/s, "
            + "peak RSS \(Units.fixed(result.peakRSSMiB, 1)) MB, database \(m.databaseBytes.map(Units.megabytes) ?? "n/a")")
        return m
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
