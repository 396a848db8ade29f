import Foundation

/// `trail-bench run`: corpus → trail ingest (× runs) → the peers, Python baseline and DuckDB
/// (× runs each) → query
/// latency → attribution accuracy → final table. Everything it writes goes under --work
/// (default /tmp/trail-bench), never into the repository.
struct BenchCommand {
    let events: Int
    let seed: UInt64
    let days: Int
    let work: String
    let corpusOption: String?
    let reuse: Bool
    let runs: Int
    let trail: String
    let skipBaseline: Bool
    let baselineScript: String?
    let skipDuckDB: Bool
    let duckdbScript: String?
    let python: String
    let queryRuns: Int
    let skipQueries: Bool
    let skipAccuracy: Bool
    let jobs: Int?
    /// An already ingested database: ingest and the baseline are skipped, queries and the
    /// accuracy check run on it (for iterating on queries without a six-minute ingest).
    let existingDatabase: String?

    init(_ args: Arguments) throws {
        events = try args.int("events", default: 1_000_000, minimum: 1, maximum: 100_000_000)
        seed = UInt64(try args.int("seed", default: 1))
        days = try args.int("days", default: 2, minimum: 1, maximum: 3_650)
        work = args.string("work") ?? "/tmp/trail-bench"
        corpusOption = args.string("corpus")
        reuse = args.flag("reuse")
        runs = try args.int("runs", default: 3, minimum: 1)
        trail = args.string("trail") ?? ".build/release/trail"
        skipBaseline = args.flag("skip-baseline")
        baselineScript = args.string("baseline")
        skipDuckDB = args.flag("skip-duckdb")
        duckdbScript = args.string("duckdb")
        python = args.string("python") ?? "python3"
        queryRuns = try args.int("query-runs", default: 20, minimum: 1)
        skipQueries = args.flag("skip-queries")
        skipAccuracy = args.flag("skip-accuracy")
        jobs = args.string("jobs") == nil ? nil : try args.int("jobs", default: 0, minimum: 1, maximum: 256)
        existingDatabase = args.string("db")
    }

    /// Unbuffered, so progress shows up live when stdout is a pipe (tee, CI logs).
    private func log(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func run() throws -> Int32 {
        let fm = FileManager.default
        guard fm.isExecutableFile(atPath: trail) else {
            throw BenchFailure("no trail binary at \(trail): build it first with `swift build -c release` (or pass --trail PATH)")
        }
        try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        let machine = Machine.current()
        let version = (try? ProcessRunner.run([trail, "--version"], stdout: "\(work)/version.txt"))?.stdoutText()
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        log("trail-bench run: \(Units.grouped(events)) events, seed \(seed), \(days) day(s); trail \(version) at \(trail)")
        log("machine: \(machine.line); load average \(Machine.loadAverage())")
        let loadAtStart = Machine.loadAverage()

        // 1. Corpus
        let (corpus, manifest) = try prepareCorpus()
        let (files, compressed) = Self.scan(corpus)
        log("corpus: \(corpus): \(Units.grouped(files)) files, \(Units.megabytes(compressed)) compressed"
            + (manifest.map { ", \(Units.grouped($0.events)) records, \(Units.megabytes($0.jsonBytes)) of JSON" } ?? ""))

        // 2. trail ingest
        let ingest = IngestBench(trail: trail, corpus: corpus, work: work, jobs: jobs)
        var trailRuns: [IngestMeasurement] = []
        let database: String
        if let existingDatabase {
            guard fm.fileExists(atPath: existingDatabase) else { throw BenchFailure("--db \(existingDatabase): no such file") }
            database = existingDatabase
            log("\n[ingest] skipped: measuring the existing database \(existingDatabase)")
        } else {
            database = ingest.databasePath
            log("\n[ingest] trail ingest --db \(database) --json --quiet \(corpus)   (\(runs) run(s))")
            for i in 1...runs { trailRuns.append(try ingest.runOnce(i, log: log)) }
        }

        // 3. Peers, on the same corpus and as many runs
        var peers: [PeerResult] = []
        if existingDatabase == nil {
            for (peer, skip, option) in [(Peer.pythonBaseline, skipBaseline, baselineScript), (Peer.duckdb, skipDuckDB, duckdbScript)] {
                if skip {
                    log("\n[\(peer.key)] skipped (--skip-\(peer.key))")
                    peers.append(PeerResult(peer: peer, skipped: "--skip-\(peer.key)"))
                } else if let script = option ?? locate(peer.defaultScript) {
                    log("\n[\(peer.key)] \(python) \(script) \(corpus) \(work)/\(peer.databaseFile)   (\(runs) run(s))")
                    peers.append(PeerBench(peer: peer, python: python, script: script, corpus: corpus, work: work).run(runs: runs, log: log))
                } else {
                    let reason = "\(peer.defaultScript) not found (run from the repository root or pass --\(peer.key) SCRIPT)"
                    log("\n[\(peer.key)] skipped: \(reason)")
                    peers.append(PeerResult(peer: peer, skipped: reason))
                }
            }
        }

        // 4. Queries, on the database of the last trail run
        var queries: [QueryBench.Result] = []
        if !skipQueries {
            log("\n[queries] \(queryRuns) timed run(s) per command after one warm-up")
            let arguments = QueryArguments(corpus: corpus)
            if arguments.isEmpty { log("  note: no query-args.tsv in the corpus; investigation commands get no arguments") }
            queries = QueryBench(trail: trail, database: database, work: work, runs: queryRuns, arguments: arguments,
                                 manifest: manifest).run(log: log)
        }

        // 5. Accuracy
        var accuracy: AccuracyCheck.Report?
        if !skipAccuracy {
            log("\n[accuracy] event_attribution vs \(corpus)/ground-truth.tsv")
            if fm.fileExists(atPath: "\(corpus)/ground-truth.tsv") {
                let started = ProcessRunner.monotonic()
                accuracy = try AccuracyCheck.run(corpus: corpus, database: database)
                log("  compared in \(Units.seconds(ProcessRunner.monotonic() - started))")
            } else {
                log("  skipped: the corpus has no ground-truth.tsv")
            }
        }

        let report = FinalReport(machine: machine, load: "\(loadAtStart) at start, \(Machine.loadAverage()) at end", trailVersion: version, corpus: corpus, files: files, compressedBytes: compressed,
                                 manifest: manifest, runs: runs, trail: trailRuns, peers: peers, queries: queries,
                                 accuracy: accuracy)
        log("\n" + report.text)
        let resultsPath = "\(work)/results-\(manifest?.events ?? events).json"
        report.writeJSON(to: resultsPath)
        log("\n(raw figures: \(resultsPath))")
        return 0
    }

    /// Uses `--corpus` as given (generating into it when empty), or the per-size corpus under
    /// --work, reused only with --reuse and a matching manifest.
    private func prepareCorpus() throws -> (String, CorpusManifest?) {
        let fm = FileManager.default
        let path = corpusOption ?? "\(work)/corpus-\(events)-s\(seed)-d\(days)"
        if let manifest = CorpusManifest.load(path) {
            if corpusOption != nil || (reuse && manifest.matches(events: events, seed: seed, days: days)) {
                log("reusing corpus \(path) (generated with \(Units.grouped(manifest.events)) events, seed \(manifest.seed))")
                return (path, manifest)
            }
        } else if corpusOption != nil && fm.fileExists(atPath: "\(path)/AWSLogs") {
            log("using \(path) as an external corpus: no ground truth, no query arguments")
            return (path, nil)
        }
        var options = CorpusGenerator.Options()
        options.events = events
        options.seed = seed
        options.days = days
        options.output = path
        log("generating corpus in \(path) …")
        let manifest = try CorpusGenerator(options: options).generate(log: { log("  " + $0) })
        return (path, manifest)
    }

    /// A script of the repository, from the working directory or from the built binary's place.
    private func locate(_ relative: String) -> String? {
        let fm = FileManager.default
        if fm.fileExists(atPath: relative) { return relative }
        // Running the built binary from elsewhere: walk up from .build/<config>/trail-bench.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent(relative).path
            if fm.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// Count and total size of the .json.gz files (the compressed input trail reads).
    static func scan(_ corpus: String) -> (files: Int, bytes: Int) {
        var files = 0, bytes = 0
        guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: corpus), includingPropertiesForKeys: [.fileSizeKey]) else {
            return (0, 0)
        }
        for case let url as URL in walker where url.path.hasSuffix(".json.gz") {
            files += 1
            bytes += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        }
        return (files, bytes)
    }
}
