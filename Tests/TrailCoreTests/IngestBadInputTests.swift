import Foundation
import Testing
@testable import TrailCore

// Bad files in a run: each gets a ledger row that says what went wrong, the good files beside them
// are ingested whole, and the summary adds up.

@Suite("Ingest: bad input beside good input")
struct IngestBadInputTests {
    /// One bad (or tricky) file of the mixed tree and what the ledger must say about it.
    struct Expectation {
        var name: String
        var status: String
        var errorContains: String?
        var records: Int
        var rejects: [(Int, String)]
    }

    @Test("a mixed tree: failed and partial files are recorded with their cause; good files are fully ingested")
    func mixedTree() throws {
        try TS.withTempDir { dir in
            var expectations: [Expectation] = []
            var goodIDs: [String] = []

            // Good files.
            dir.writeGzip("logs/good-1.json.gz", TS.recordsFile(TS.records("good1", 3)))
            dir.write("logs/good-2.json", TS.recordsFile(TS.records("good2", 2)))
            dir.write("logs/good-3.jsonl", TS.records("good3", 2).joined(separator: "\n") + "\n")
            goodIDs += (0..<3).map { "good1-\($0)" } + (0..<2).map { "good2-\($0)" } + (0..<2).map { "good3-\($0)" }
            for name in ["good-1.json.gz", "good-2.json", "good-3.jsonl"] {
                expectations.append(Expectation(name: name, status: "ingested", errorContains: nil, records: name == "good-1.json.gz" ? 3 : 2, rejects: []))
            }
            // Concatenated gzip members: valid gzip, all records read.
            dir.write("logs/concat.json.gz", TS.gzip(TS.record(id: "concat-0") + "\n") + TS.gzip(TS.record(id: "concat-1") + "\n"))
            goodIDs += ["concat-0", "concat-1"]
            expectations.append(Expectation(name: "concat.json.gz", status: "ingested", errorContains: nil, records: 2, rejects: []))
            // Big and deep members are fine.
            let blob = String(repeating: "x", count: 200 * 1024)
            dir.write("logs/big.json", TS.recordsFile([TS.record(id: "big-0", overrides: ["requestParameters": ["blob": blob]])]))
            let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
            dir.write("logs/deep.json", "{\"Records\":[{\"eventID\":\"deep-0\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"requestParameters\":{\"d\":\(deep)}}]}")
            dir.write("logs/dupkeys.json", #"{"Records":[{"eventID":"dupkeys-0","eventTime":"2026-11-20T10:00:00Z","eventName":"First","eventName":"Second"}]}"#)
            goodIDs += ["big-0", "deep-0", "dupkeys-0"]
            for name in ["big.json", "deep.json", "dupkeys.json"] {
                expectations.append(Expectation(name: name, status: "ingested", errorContains: nil, records: 1, rejects: []))
            }

            // Not gzip: random bytes named .json.gz.
            var generator = TS.SplitMix64(seed: 2026)
            var random = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            random[0] = 0xA7
            dir.write("logs/random.json.gz", random)
            expectations.append(Expectation(name: "random.json.gz", status: "failed", errorContains: "not gzip and not JSON", records: 0, rejects: []))
            // gzip truncated at several points.
            // The complete records inflated before the cut are kept (the system gzip is the oracle).
            let truncRecords = TS.records("trunc", 20)
            let gz = TS.gzip(TS.recordsFile(truncRecords))
            for cut in [4, 10, gz.count / 2, gz.count - 4] {
                dir.write("logs/truncated-\(cut).json.gz", Array(gz.prefix(cut)))
                let kept = TS.completeRecordIDs(in: TS.gunzipPrefixWithSystemTool(Array(gz.prefix(cut))), header: "{\"Records\":[",
                                                records: truncRecords, separator: ",", prefix: "trunc")
                goodIDs += kept
                expectations.append(Expectation(name: "truncated-\(cut).json.gz", status: "failed", errorContains: "truncated gzip stream", records: kept.count, rejects: []))
            }
            // Zero bytes.
            dir.write("logs/empty.json", [UInt8]())
            expectations.append(Expectation(name: "empty.json", status: "failed", errorContains: "empty file", records: 0, rejects: []))
            // Invalid JSON: truncated mid-string (the record before the break is kept), invalid UTF-8.
            dir.write("logs/midstring.json", "{\"Records\":[" + TS.record(id: "mid-0") + ",{\"eventID\":\"mid-1\",\"eventName\":\"Trunc")
            goodIDs.append("mid-0")
            expectations.append(Expectation(name: "midstring.json", status: "failed", errorContains: "unterminated string", records: 1, rejects: []))
            dir.write("logs/badutf8.json", Array("{\"Records\":[{\"eventID\":\"utf-0\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"userAgent\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}]}".utf8))
            expectations.append(Expectation(name: "badutf8.json", status: "failed", errorContains: "UTF-8", records: 0, rejects: []))
            // Records that is not an array.
            dir.write("logs/records-null.json", "{\"Records\": null}")
            expectations.append(Expectation(name: "records-null.json", status: "failed", errorContains: "\"Records\" is null", records: 0, rejects: []))
            dir.write("logs/records-object.json", "{\"Records\": {}}")
            expectations.append(Expectation(name: "records-object.json", status: "failed", errorContains: "\"Records\" is a JSON object", records: 0, rejects: []))
            // Record-level rejects: the file is partial, its good records kept.
            dir.write("logs/not-objects.json", "{\"Records\":[42,\"str\"," + TS.record(id: "notobj-2") + ",null]}")
            goodIDs.append("notobj-2")
            expectations.append(Expectation(name: "not-objects.json", status: "partial", errorContains: nil, records: 1, rejects: [
                (0, "record is a JSON number, not an object"), (1, "record is a JSON string, not an object"), (3, "record is a JSON null, not an object"),
            ]))
            dir.write("logs/missing.json", TS.recordsFile([
                TS.record(id: "missing-0"), TS.record(id: "x", removing: ["eventID"]), TS.record(id: "missing-2", removing: ["eventTime"]),
                TS.record(id: "missing-3", overrides: ["eventTime": ["epoch": 1]]), TS.record(id: "missing-4"),
            ]))
            goodIDs += ["missing-0", "missing-4"]
            expectations.append(Expectation(name: "missing.json", status: "partial", errorContains: nil, records: 2, rejects: [
                (1, "missing eventID"), (2, "missing eventTime"), (3, "eventTime is not a string"),
            ]))
            dir.write("logs/broken-line.jsonl", TS.record(id: "line-0") + "\n{\"eventID\":\"line-1\",\"eventTime\":\n" + TS.record(id: "line-2") + "\n")
            goodIDs += ["line-0", "line-2"]
            expectations.append(Expectation(name: "broken-line.jsonl", status: "partial", errorContains: nil, records: 2, rejects: [(1, "invalid JSON: ")]))
            // A digest document where events are expected.
            dir.write("logs/not-a-digest-path.json", #"{"awsAccountId":"111122223333","digestStartTime":"2026-11-20T09:00:00Z","digestEndTime":"2026-11-20T10:00:00Z","logFiles":[]}"#)
            expectations.append(Expectation(name: "not-a-digest-path.json", status: "failed", errorContains: "digest", records: 0, rejects: []))

            let reporter = TS.RecordingReporter()
            let summary = try TS.ingest([dir.file("logs")], into: dir.database, reporter: reporter)

            let failed = expectations.filter { $0.status == "failed" }
            let partial = expectations.filter { $0.status == "partial" }
            #expect(summary.filesSeen == expectations.count)
            #expect(summary.filesFailed == failed.count)
            #expect(summary.filesPartial == partial.count)
            #expect(summary.filesIngested == expectations.count - failed.count - partial.count)
            #expect(summary.recordsRejected == partial.map(\.rejects.count).reduce(0, +))
            #expect(summary.eventsNew == goodIDs.count)
            #expect(summary.eventsDuplicate == 0)
            #expect(summary.hasProblems)
            #expect(Set(summary.failures.map { URL(fileURLWithPath: $0.path).lastPathComponent }) == Set((failed + partial).map(\.name)))

            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == goodIDs.count)
            for id in goodIDs {
                #expect(try TS.eventRow(db, id: id) != nil, "event \(id) stored")
            }
            #expect(try TS.count(db, "SELECT count(*) FROM files") == expectations.count)
            for expectation in expectations {
                let row = try #require(try TS.ledgerRow(db, endingWith: "/" + expectation.name), "ledger row for \(expectation.name)")
                #expect(row.status == expectation.status, "\(expectation.name): status")
                #expect(row.records == expectation.records, "\(expectation.name): records")
                #expect(row.rejected == expectation.rejects.count, "\(expectation.name): rejected")
                if let cause = expectation.errorContains {
                    #expect(row.error?.contains(cause) == true, "\(expectation.name): error \(row.error ?? "nil") should name \(cause)")
                    // The problem is reported on a line naming the file.
                    #expect(reporter.problems.contains { $0.contains(expectation.name) && $0.contains(cause) }, "\(expectation.name) reported")
                } else {
                    #expect(row.error == nil, "\(expectation.name): \(row.error ?? "")")
                }
                let rejected = try TS.rejectedRows(db, fileEndingWith: "/" + expectation.name)
                #expect(rejected.map(\.0) == expectation.rejects.map(\.0), "\(expectation.name): rejected record indexes")
                for ((_, actual), (_, expected)) in zip(rejected, expectation.rejects) {
                    #expect(actual.hasPrefix(expected), "\(expectation.name): reason \(actual)")
                }
                for (index, _) in expectation.rejects {
                    #expect(reporter.problems.contains { $0.contains(expectation.name) && $0.contains("record \(index)") })
                }
            }
            // The stored values of the tricky good files.
            let big = try #require(try TS.eventRow(db, id: "big-0"))
            #expect((big["request_parameters"] ?? nil).map { $0.utf8.count > 200 * 1024 } == true)
            let deepRow = try #require(try TS.eventRow(db, id: "deep-0"))
            #expect((deepRow["request_parameters"] ?? nil) == "{\"d\":\(deep)}")
            #expect((try TS.eventRow(db, id: "dupkeys-0")?["event_name"] ?? nil) == "Second")
            // Rejected records keep their raw text.
            let raw = try db.scalarText("SELECT raw FROM rejected_records r JOIN files f ON f.id = r.file_id WHERE f.path LIKE '%/not-objects.json' AND record_index = 1")
            #expect(raw == "\"str\"")
        }
    }

    @Test("a file that disappears between discovery and reading is reported and counted as failed")
    func vanishedFile() throws {
        try TS.withTempDir { dir in
            dir.write("logs/stays.json", TS.recordsFile([TS.record(id: "stays")]))
            let gone = dir.write("logs/gone.json", TS.recordsFile([TS.record(id: "gone")]))
            let inputs = try InputDiscovery.discover([dir.file("logs")])
            try FileManager.default.removeItem(atPath: gone)
            let reporter = TS.RecordingReporter()
            let summary = try Ingester(databasePath: dir.database, options: TS.testOptions(), reporter: reporter).run(inputs)
            #expect(summary.filesFailed == 1 && summary.eventsNew == 1)
            #expect(summary.failures.first?.path.hasSuffix("gone.json") == true)
            #expect(reporter.problems.contains { $0.contains("gone.json") && $0.contains("No such file") }, "\(reporter.problems)")
            // The ledger lists it as failed, with the reason, like every other bad input.
            let db = try TS.openDB(dir.database)
            let row = try TS.ledgerRow(db, endingWith: "gone.json")
            #expect(row?.status == "failed")
            #expect(row?.error?.contains("No such file") == true)
        }
    }

    @Test("strict mode stops at the first problem")
    func strictStops() throws {
        try TS.withTempDir { dir in
            dir.write("logs/a-bad.json", "{\"Records\": null}")
            for i in 0..<6 { dir.write("logs/b-good-\(i).json", TS.recordsFile(TS.records("strict\(i)", 2))) }
            let summary = try TS.ingest([dir.file("logs")], into: dir.database, options: TS.testOptions(strict: true))
            #expect(summary.stoppedEarly)
            #expect(summary.filesFailed == 1)
            #expect(summary.hasProblems)
        }
    }

    @Test("a digest under CloudTrail-Digest/ goes to the digests table, not events")
    func digestFile() throws {
        try TS.withTempDir { dir in
            let digest = #"{"awsAccountId":"111122223333","digestStartTime":"2026-11-20T09:00:00Z","digestEndTime":"2026-11-20T10:00:00Z","digestS3Bucket":"bucket","digestS3Object":"obj","previousDigestS3Object":"prev","logFiles":[{"s3Object":"a"},{"s3Object":"b"},{"s3Object":"c"}]}"#
            dir.writeGzip("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T100000Z.json.gz", digest)
            dir.writeGzip(TS.s3Key(name: "events"), TS.recordsFile(TS.records("withdigest", 2)))
            let summary = try TS.ingest([dir.file("AWSLogs")], into: dir.database)
            #expect(summary.digests == 1)
            #expect(summary.eventsNew == 2)
            #expect(summary.filesFailed == 0 && summary.filesPartial == 0)
            let db = try TS.openDB(dir.database)
            let rows = try db.rows("SELECT account_id, digest_start_time, digest_end_time, s3_bucket, s3_object, previous_s3_object, log_file_count FROM digests")
            #expect(rows.count == 1)
            #expect(rows.first?.map { $0.textValue ?? "NULL" } == ["111122223333", "2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z", "bucket", "obj", "prev", "3"])
            #expect(try TS.ledgerRow(db, endingWith: "20261120T100000Z.json.gz")?.status == "ingested")
            #expect(try db.scalarText("SELECT kind FROM files WHERE path LIKE '%CloudTrail-Digest%'") == "digest")
            #expect(try TS.count(db, "SELECT count(*) FROM events") == 2)
        }
    }

    @Test("Insights events go to insight_events, API events to events")
    func insightEvents() throws {
        try TS.withTempDir { dir in
            let insight = #"{"eventVersion":"1.08","eventTime":"2026-11-20T10:05:00Z","awsRegion":"us-east-1","eventID":"insight-1","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"s-1","insightDetails":{"state":"Start"},"eventCategory":"Insight"}"#
            dir.write("insights.json", TS.recordsFile([insight, TS.record(id: "api-1")]))
            let summary = try TS.ingest([dir.file("insights.json")], into: dir.database)
            #expect(summary.insightEventsNew == 1)
            #expect(summary.eventsNew == 1)
            let db = try TS.openDB(dir.database)
            #expect(try TS.eventRow(db, id: "insight-1", table: "insight_events") != nil)
            #expect(try TS.eventRow(db, id: "insight-1") == nil)
            #expect(try TS.eventRow(db, id: "api-1") != nil)
            #expect((try TS.eventRow(db, id: "insight-1", table: "insight_events")?["insight_details"] ?? nil) == #"{"state":"Start"}"#)
            // The ledger counts both as new.
            #expect(try TS.ledgerRow(db, endingWith: "insights.json")?.newEvents == 2)
            // Re-ingesting the same insight in another file is a duplicate.
            dir.write("insights-again.json", TS.recordsFile([insight]))
            let again = try TS.ingest([dir.file("insights-again.json")], into: dir.database)
            #expect(again.insightEventsNew == 0 && again.eventsDuplicate == 1)
        }
    }

    @Test("types that drift across records are stored as JSON text; unknown members in extra")
    func driftAndExtraStored() throws {
        try TS.withTempDir { dir in
            dir.write("drift.json", TS.recordsFile([
                TS.record(id: "dr-0", overrides: ["requestParameters": ["k": "v"], "futureField": ["nested": [1, 2]]]),
                TS.record(id: "dr-1", overrides: ["requestParameters": "a string", "userAgent": 42]),
                TS.record(id: "dr-2", overrides: ["requestParameters": NSNull()]),
            ]))
            try TS.ingest([dir.file("drift.json")], into: dir.database)
            let db = try TS.openDB(dir.database)
            #expect((try TS.eventRow(db, id: "dr-0")?["request_parameters"] ?? nil) == #"{"k":"v"}"#)
            #expect((try TS.eventRow(db, id: "dr-0")?["extra"] ?? nil) == #"{"futureField":{"nested":[1,2]}}"#)
            #expect((try TS.eventRow(db, id: "dr-1")?["request_parameters"] ?? nil) == "\"a string\"")
            #expect((try TS.eventRow(db, id: "dr-1")?["user_agent"] ?? nil) == "42")
            #expect((try TS.eventRow(db, id: "dr-2")?["request_parameters"] ?? nil) == nil)
            // Booleans are stored as integers.
            #expect(try TS.count(db, "SELECT read_only FROM events WHERE event_id = 'dr-0'") == 1)
            #expect(try TS.count(db, "SELECT typeof(read_only) = 'integer' FROM events WHERE event_id = 'dr-0'") == 1)
        }
    }

    @Test("a numeric eventID is rejected, not stored as text")
    func numericEventIDIngest() throws {
        try TS.withTempDir { dir in
            dir.write("numeric-id.json", TS.recordsFile([TS.record(id: "x", overrides: ["eventID": 12345]), TS.record(id: "ok")]))
            let summary = try TS.ingest([dir.file("numeric-id.json")], into: dir.database)
            let db = try TS.openDB(dir.database)
            let status = try TS.ledgerRow(db, endingWith: "numeric-id.json")?.status
            let reasons = try TS.rejectedRows(db, fileEndingWith: "numeric-id.json").map(\.1)
            let storedAsText = try TS.eventRow(db, id: "12345") != nil
            #expect(summary.filesPartial == 1)
            #expect(status == "partial")
            #expect(reasons == ["eventID is not a string"])
            #expect(!storedAsText)
            #expect(try TS.eventRow(db, id: "ok") != nil)
        }
    }
}


