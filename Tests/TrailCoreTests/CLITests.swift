import Foundation
import Testing
@testable import TrailCore

// The `trail` executable end to end: exit codes, stderr lines, --json output, stats.

/// Runs the built `trail` with a clean environment (no TRAIL_DB) in `directory`.
private func trail(_ arguments: [String], in directory: String, stdin: [UInt8] = []) throws -> TS.ProcessOutput {
    let executable = try #require(TS.trailExecutable, """
        the trail executable was not found next to the test bundle (\(Bundle.main.bundleURL.path), \
        \(CommandLine.arguments.first ?? "?")); build it with `swift build` before `swift test`
        """)
    var environment = ProcessInfo.processInfo.environment
    environment["TRAIL_DB"] = nil
    return try TS.runProcess(executable, arguments, stdin: stdin, environment: environment, currentDirectory: directory)
}

/// A small S3-layout tree: two days, two regions, gzip files. Returns the number of events.
@discardableResult
private func writeS3Tree(_ dir: TS.TempDir, root: String = "AWSLogs") -> Int {
    var total = 0
    for (i, (region, day)) in [("us-east-1", 20), ("us-east-1", 21), ("eu-west-1", 20)].enumerated() {
        let records = (0..<4).map { TS.record(id: "cli-\(i)-\($0)", overrides: ["awsRegion": region]) }
        total += records.count
        let key = TS.s3Key(region: region, day: day, name: "f\(i)")
        dir.writeGzip(root == "AWSLogs" ? key : root + "/" + String(key.dropFirst("AWSLogs/".count)), TS.recordsFile(records))
    }
    return total
}

@Suite("CLI: trail ingest and trail stats")
struct CLITests {
    @Test("the trail executable is built next to the tests")
    func executableFound() throws {
        let path = try #require(TS.trailExecutable, "trail executable not found near \(CommandLine.arguments.first ?? "?")")
        #expect(FileManager.default.isExecutableFile(atPath: path))
    }

    @Test("ingest of a clean S3-layout tree exits 0 and stores every event")
    func ingestClean() throws {
        try TS.withTempDir { dir in
            let total = writeS3Tree(dir)
            let result = try trail(["ingest", "--db", dir.database, dir.file("AWSLogs")], in: dir.path)
            #expect(result.status == 0, "stderr: \(result.stderrText)")
            #expect(result.stderrText.contains("files: 3 seen, 3 ingested"), "\(result.stderrText)")
            #expect(result.stderrText.contains("events: \(total) new"), "\(result.stderrText)")
            #expect(result.stdout.isEmpty)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == total)
            #expect(try TS.count(db, "SELECT count(DISTINCT aws_region) FROM events") == 2)

            // A rerun is a no-op and still exits 0.
            let rerun = try trail(["ingest", "--db", dir.database, "--quiet", dir.file("AWSLogs")], in: dir.path)
            #expect(rerun.status == 0, "stderr: \(rerun.stderrText)")
            #expect(rerun.stderrText.isEmpty, "--quiet prints nothing when all is well: \(rerun.stderrText)")
        }
    }

    @Test("a tree with one broken file exits 2, names the file on stderr, and ingests the rest")
    func ingestBroken() throws {
        try TS.withTempDir { dir in
            let total = writeS3Tree(dir)
            let broken = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/21/111122223333_CloudTrail_us-east-1_20261121T1000Z_broken.json.gz"
            let full = TS.gzip(TS.recordsFile(TS.records("broken", 5)))
            dir.write(broken, Array(full.prefix(full.count / 2)))
            let result = try trail(["ingest", "--db", dir.database, dir.file("AWSLogs")], in: dir.path)
            #expect(result.status == 2, "stderr: \(result.stderrText)")
            let lines = result.stderrText.split(separator: "\n").map(String.init)
            let problem = lines.first { $0.hasPrefix("trail: ") && $0.contains("broken.json.gz") }
            #expect(problem != nil, "stderr: \(result.stderrText)")
            #expect(problem?.contains("truncated gzip stream") == true, "\(problem ?? "")")
            #expect(result.stderrText.contains("1 failed"))
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == total)
            #expect(try TS.ledgerRow(db, endingWith: "broken.json.gz")?.status == "failed")

            // Unchanged on the next run: the failure is not re-reported and the exit is 0, with a hint.
            let rerun = try trail(["ingest", "--db", dir.database, dir.file("AWSLogs")], in: dir.path)
            #expect(rerun.status == 0, "stderr: \(rerun.stderrText)")
            #expect(rerun.stderrText.contains("--retry-failed"))
            let retry = try trail(["ingest", "--db", dir.database, "--retry-failed", dir.file("AWSLogs")], in: dir.path)
            #expect(retry.status == 2)
        }
    }

    @Test("a file with rejected records exits 2 and names the record")
    func ingestPartial() throws {
        try TS.withTempDir { dir in
            dir.write("logs/partial.json", "{\"Records\":[" + TS.record(id: "p-0") + ",{\"eventTime\":\"2026-11-20T10:00:00Z\"}]}")
            let result = try trail(["ingest", "--db", dir.database, dir.file("logs")], in: dir.path)
            #expect(result.status == 2)
            #expect(result.stderrText.contains("partial.json: record 1"), "\(result.stderrText)")
            #expect(result.stderrText.contains("missing eventID"))
        }
    }

    @Test("ingest --json prints a JSON summary on stdout")
    func ingestJSON() throws {
        try TS.withTempDir { dir in
            let total = writeS3Tree(dir)
            dir.write("AWSLogs/extra/bad.json", "{\"Records\": {}}")
            let result = try trail(["ingest", "--db", dir.database, "--json", "--quiet", dir.file("AWSLogs")], in: dir.path)
            #expect(result.status == 2)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any], "stdout: \(result.stdoutText)")
            #expect(object["filesSeen"] as? Int == 4)
            #expect(object["filesFailed"] as? Int == 1)
            #expect(object["eventsNew"] as? Int == total)
            // It is the IngestSummary, field for field.
            let summary = try JSONDecoder().decode(IngestSummary.self, from: Data(result.stdout))
            #expect(summary.filesIngested == 3)
            #expect(summary.failures.count == 1)
            #expect(summary.failures.first?.path.hasSuffix("bad.json") == true)
            #expect(summary.failures.first?.error.contains("\"Records\" is a JSON object") == true)
            // Problems still go to stderr, never into the JSON.
            #expect(result.stderrText.contains("bad.json"))
        }
    }

    @Test("ingest - reads standard input")
    func ingestStdin() throws {
        try TS.withTempDir { dir in
            let input = Array(TS.records("stdin-cli", 3).joined(separator: "\n").utf8)
            let result = try trail(["ingest", "--db", dir.database, "--json", "-"], in: dir.path, stdin: input)
            #expect(result.status == 0, "stderr: \(result.stderrText)")
            let summary = try JSONDecoder().decode(IngestSummary.self, from: Data(result.stdout))
            #expect(summary.eventsNew == 3)
        }
    }

    @Test("stats --db summarises the database, as text and as JSON")
    func stats() throws {
        try TS.withTempDir { dir in
            let total = writeS3Tree(dir)
            let ingest = try trail(["ingest", "--db", dir.database, "--quiet", dir.file("AWSLogs")], in: dir.path)
            #expect(ingest.status == 0)
            let text = try trail(["stats", "--db", dir.database], in: dir.path)
            #expect(text.status == 0, "stderr: \(text.stderrText)")
            #expect(text.stdoutText.contains("events:    \(total)"), "\(text.stdoutText)")
            #expect(text.stdoutText.contains("us-east-1 (8)") && text.stdoutText.contains("eu-west-1 (4)"), "\(text.stdoutText)")
            #expect(text.stdoutText.contains("ingested 3"), "\(text.stdoutText)")

            let json = try trail(["stats", "--db", dir.database, "--json"], in: dir.path)
            #expect(json.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
            #expect(object["events"] as? Int == total)
            #expect((object["filesByStatus"] as? [String: Int])?["ingested"] == 3)
            #expect(object["firstEvent"] as? String == "2026-11-20T10:00:00Z")
        }
    }

    @Test("stats on a missing database exits 3 with a clear message")
    func statsMissingDatabase() throws {
        try TS.withTempDir { dir in
            let result = try trail(["stats", "--db", dir.file("nope.db")], in: dir.path)
            #expect(result.status == 3)
            #expect(result.stderrText.contains("no trail database at"), "\(result.stderrText)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("nope.db")), "stats must not create a database")
        }
    }

    @Test("usage errors exit 64: a missing input path, no path at all")
    func usageErrors() throws {
        try TS.withTempDir { dir in
            let missing = try trail(["ingest", "--db", dir.database, dir.file("does-not-exist")], in: dir.path)
            #expect(missing.status == 64, "stderr: \(missing.stderrText)")
            #expect(missing.stderrText.contains("does-not-exist"))
            let none = try trail(["ingest", "--db", dir.database], in: dir.path)
            #expect(none.status == 64, "stderr: \(none.stderrText)")
        }
    }

    @Test("a database that cannot be created exits 3")
    func unwritableDatabase() throws {
        try TS.withTempDir { dir in
            writeS3Tree(dir)
            let result = try trail(["ingest", "--db", dir.file("no/such/dir/trail.db"), dir.file("AWSLogs")], in: dir.path)
            #expect(result.status == 3, "stderr: \(result.stderrText)")
            #expect(result.stderrText.hasPrefix("trail: "))
        }
    }
}
