import Foundation

/// The end-of-run summary: ingest throughput and database size side by side with the peers
/// (medians over the runs), query latency, attribution accuracy, and the issue's targets.
struct FinalReport {
    let machine: Machine
    let load: String
    let trailVersion: String
    let corpus: String
    let files: Int
    let compressedBytes: Int
    let manifest: CorpusManifest?
    let runs: Int
    let trail: [IngestMeasurement]
    let peers: [PeerResult]
    let queries: [QueryBench.Result]
    let accuracy: AccuracyCheck.Report?

    // Targets from the issue (1M events, 2 cores).
    static let targetEventsPerSecond = 200_000.0
    static let targetRSSMiB = 250.0
    static let targetQueryP95 = 0.100
    static let targetDatabaseToGzip = 2.0

    struct Figures {
        var events: Int
        var wall: Double
        var rssMiB: Double
        var cpu: Double
        var databaseBytes: Int?
        var eventsPerSecond: Double { Double(events) / wall }
    }

    static func figures(_ runs: [IngestMeasurement]) -> Figures? {
        guard !runs.isEmpty else { return nil }
        return Figures(events: runs.map(\.events).max() ?? 0,
                       wall: Stats.median(runs.map(\.process.wallSeconds)),
                       rssMiB: Stats.median(runs.map(\.process.peakRSSMiB)),
                       cpu: Stats.median(runs.map { $0.process.userSeconds + $0.process.systemSeconds }),
                       databaseBytes: runs.compactMap(\.databaseBytes).max())
    }

    /// Database bytes per byte of gzip input, the issue's "database ≤ 2× the gzip input".
    func databaseToGzip(_ f: Figures) -> Double? {
        guard let bytes = f.databaseBytes, compressedBytes > 0 else { return nil }
        return Double(bytes) / Double(compressedBytes)
    }

    /// Uncompressed size: trail's own `bytesInflated`, else the generator's count.
    var jsonBytes: Int {
        trail.compactMap { $0.trail?.bytesInflated }.first ?? manifest?.jsonBytes ?? 0
    }

    private func medianOf(_ values: [Double?]) -> Double? {
        let present = values.compactMap { $0 }
        return present.isEmpty ? nil : Stats.median(present)
    }

    var text: String {
        var out: [String] = []
        let measuredPeers = peers.compactMap { p in Self.figures(p.runs).map { (p.peer, $0) } }
        out.append(trail.isEmpty && measuredPeers.isEmpty ? "== trail-bench results (queries and accuracy on an existing database) =="
                                                          : "== trail-bench results (medians of \(runs) run(s)) ==")
        out.append("machine: \(machine.line)")
        out.append("load average (1/5/15 min): \(load)")
        let corpusEvents = manifest?.events
        out.append("corpus:  \(Units.grouped(corpusEvents ?? trail.first?.events ?? 0)) events in \(Units.grouped(files)) files, "
                   + "\(Units.megabytes(compressedBytes)) gzip, \(Units.megabytes(jsonBytes)) JSON (\(corpus))")

        var ingest = Table("\nIngest, end to end (wall time of the process, incl. attribution and index build)",
                           ["tool", "events", "wall", "events/s", "MB/s gzip", "MB/s JSON", "peak RSS", "CPU time", "database", "db / gzip"])
        let t = Self.figures(trail)
        func row(_ name: String, _ f: Figures) {
            ingest.add([name, Units.grouped(f.events), Units.seconds(f.wall), Units.rate(f.eventsPerSecond),
                        Units.fixed(Double(compressedBytes) / 1_048_576 / f.wall, 1),
                        Units.fixed(Double(jsonBytes) / 1_048_576 / f.wall, 1),
                        "\(Units.fixed(f.rssMiB, 1)) MB", Units.seconds(f.cpu),
                        f.databaseBytes.map(Units.megabytes) ?? "n/a", databaseToGzip(f).map { "\(Units.fixed($0, 2))×" } ?? "n/a"])
        }
        if let t { row("trail", t) }
        for (peer, f) in measuredPeers { row(peer.name, f) }
        if t == nil && measuredPeers.isEmpty && peers.isEmpty {
            out.append("\nIngest: not measured (--db: the database was ingested before)")
        } else {
            out.append(ingest.text)
        }
        for p in peers {
            if let reason = p.skipped { out.append("\(p.peer.name): \(p.runs.isEmpty ? "skipped" : "stopped after \(p.runs.count) run(s)"): \(reason)") }
        }
        if let t {
            for (peer, f) in measuredPeers {
                var line = "ratio trail / \(peer.name): events/s \(Units.fixed(t.eventsPerSecond / f.eventsPerSecond, 2))×, "
                    + "peak RSS \(Units.fixed(t.rssMiB / f.rssMiB, 2))×"
                if let a = t.databaseBytes, let b = f.databaseBytes, b > 0 {
                    line += ", database \(Units.fixed(Double(a) / Double(b), 2))×"
                }
                out.append(line)
            }
        }
        // Every tool must have stored one row per record, or its throughput means nothing.
        if let corpusEvents, t != nil || !measuredPeers.isEmpty {
            var counts: [(tool: String, events: Int)] = []
            if let t { counts.append(("trail", t.events)) }
            counts += measuredPeers.map { (tool: $0.0.name, events: $0.1.events) }
            let differing = counts.filter { $0.events != corpusEvents }
            let listed = (differing.isEmpty ? counts : differing).map { "\($0.tool) \(Units.grouped($0.events))" }.joined(separator: ", ")
            out.append(differing.isEmpty ? "events stored: \(listed), each equal to the corpus's \(Units.grouped(corpusEvents))"
                                         : "WARNING: events stored differ from the corpus's \(Units.grouped(corpusEvents)): \(listed)")
        }

        var phases = Table("\ntrail's own phase timings (from --json)", ["phase", "median"])
        let summaries = trail.map(\.trail)
        if let v = medianOf(summaries.map { $0?.elapsedSeconds }) { phases.add(["elapsed (trail's clock)", Units.seconds(v)]) }
        if let v = medianOf(summaries.map { $0?.loadSeconds }) { phases.add(["load (read, parse, insert)", Units.seconds(v)]) }
        if let v = medianOf(summaries.map { $0?.indexSeconds }) { phases.add(["index build", Units.seconds(v)]) }
        if let v = medianOf(summaries.map { $0?.attribution?.seconds }) { phases.add(["attribution", Units.seconds(v)]) }
        if let s = summaries.compactMap({ $0?.attribution?.sessions }).first { phases.add(["sessions", Units.grouped(s)]) }
        if !phases.rows.isEmpty { out.append(phases.text) }

        if !queries.isEmpty {
            var q = Table("\nQuery latency (process wall time, warm cache)", ["command", "p50", "p95", "runs", "example / note"])
            for r in queries {
                if r.samples.isEmpty {
                    q.add([r.name, "-", "-", "0", r.note])
                } else {
                    let example = r.example.count > 72 ? String(r.example.prefix(71)) + "…" : r.example
                    q.add([r.name, Units.milliseconds(r.p50), Units.milliseconds(r.p95), String(r.samples.count), "\(example)  (\(r.note))"])
                }
            }
            out.append(q.text)
        }

        if let a = accuracy {
            var types = Table("\nAttribution accuracy: exact origin_type + origin_id + origin_detail, by expected origin_type",
                              ["origin_type", "events", "exact", "%"])
            for (k, v) in a.byType.sorted(by: { $0.key < $1.key }) {
                types.add([k, Units.grouped(v.total), Units.grouped(v.exact), Units.fixed(v.percent, 2)])
            }
            types.add(["all", Units.grouped(a.overall.total), Units.grouped(a.overall.exact), Units.fixed(a.overall.percent, 2)])
            out.append(types.text)
            var cases = Table("\n… by kind of record", ["record kind", "events", "exact", "%"])
            for (k, v) in a.byCase.sorted(by: { $0.key < $1.key }) {
                cases.add([k, Units.grouped(v.total), Units.grouped(v.exact), Units.fixed(v.percent, 2)])
            }
            out.append(cases.text)
            out.append("role_arn + session_name on role-session usage: \(Units.grouped(a.session.exact))/\(Units.grouped(a.session.total)) "
                       + "(\(Units.fixed(a.session.percent, 2)) %)")
            if a.missingFromDatabase > 0 || a.notInGroundTruth > 0 {
                out.append("events missing from the database: \(a.missingFromDatabase); in the database but not in the ground truth: \(a.notInGroundTruth)")
            }
            let mismatches = a.mismatches()
            if !mismatches.isEmpty {
                out.append("mismatches (up to 10; [record kind: expected → got, count]):")
                out += mismatches.map { "  " + $0 }
            }
        }

        out.append("\nTargets (issue: 1M events on 2 cores)")
        if let t {
            out.append("  ≥ 200,000 events/s end to end: \(Units.rate(t.eventsPerSecond)) → \(t.eventsPerSecond >= Self.targetEventsPerSecond ? "met" : "NOT met")")
            out.append("  peak RSS ≤ 250 MB: \(Units.fixed(t.rssMiB, 1)) MB → \(t.rssMiB <= Self.targetRSSMiB ? "met" : "NOT met")")
            if let ratio = databaseToGzip(t), let bytes = t.databaseBytes {
                out.append("  database ≤ 2× the gzip input: \(Units.megabytes(bytes)) for \(Units.megabytes(compressedBytes)) of gzip, "
                           + "\(Units.fixed(ratio, 2))× → \(ratio <= Self.targetDatabaseToGzip ? "met" : "NOT met")")
            }
        }
        let measured = queries.filter { !$0.samples.isEmpty }
        if let worst = measured.max(by: { $0.p95 < $1.p95 }) {
            out.append("  query p95 ≤ 100 ms: worst \(worst.name) \(Units.milliseconds(worst.p95)) → \(worst.p95 <= Self.targetQueryP95 ? "met" : "NOT met")")
        } else if !queries.isEmpty {
            out.append("  query p95 ≤ 100 ms: no query command could be measured")
        }
        return out.joined(separator: "\n")
    }

    /// Machine-readable copy of the figures (for BENCHMARKS.md and comparisons between runs).
    func writeJSON(to path: String) {
        var object: [String: Any] = [
            "machine": ["cores": machine.cores, "cpu": machine.cpu, "memoryGiB": machine.memoryGiB, "kernel": machine.kernel],
            "trailVersion": trailVersion, "loadAverage": load, "corpus": corpus, "files": files, "compressedBytes": compressedBytes, "jsonBytes": jsonBytes,
            "runs": runs,
        ]
        func runsJSON(_ list: [IngestMeasurement]) -> [[String: Any]] {
            list.map { m in
                var r: [String: Any] = ["events": m.events, "wallSeconds": m.process.wallSeconds, "peakRSSMiB": m.process.peakRSSMiB,
                                        "userSeconds": m.process.userSeconds, "systemSeconds": m.process.systemSeconds,
                                        "exitCode": m.process.exitCode]
                if let bytes = m.databaseBytes { r["databaseBytes"] = bytes }
                if let s = m.trail {
                    r["attributionSeconds"] = s.attribution?.seconds
                    r["indexSeconds"] = s.indexSeconds
                    r["loadSeconds"] = s.loadSeconds
                    r["elapsedSeconds"] = s.elapsedSeconds
                }
                return r
            }
        }
        object["trail"] = runsJSON(trail)
        // One key per peer ("baseline", "duckdb"), the runs as for trail.
        for p in peers {
            object[p.peer.key] = runsJSON(p.runs)
            if let reason = p.skipped { object["\(p.peer.key)Skipped"] = reason }
        }
        object["queries"] = queries.map { q -> [String: Any] in
            ["name": q.name, "example": q.example, "samples": q.samples, "note": q.note]
        }
        if let a = accuracy {
            object["accuracy"] = [
                "overall": [a.overall.total, a.overall.exact],
                "byType": a.byType.mapValues { [$0.total, $0.exact] },
                "byCase": a.byCase.mapValues { [$0.total, $0.exact] },
                "mismatches": a.mismatches(limit: 30),
            ] as [String: Any]
        }
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            _ = FileManager.default.createFile(atPath: path, contents: data)
        }
    }
}
