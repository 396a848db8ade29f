import Foundation
import Testing
@testable import TrailCore

// The file ledger and event dedupe: reruns, copies, re-delivered events, grown files,
// --retry-failed, standard input, and input discovery.

/// An S3-layout tree of `files` gzip log files with `perFile` records each; returns the event ids.
@discardableResult
private func writeTree(_ dir: TS.TempDir, root: String = "AWSLogs", files: Int = 4, perFile: Int = 3, prefix: String = "ev") -> [String] {
    var ids: [String] = []
    for f in 0..<files {
        let records = (0..<perFile).map { TS.record(id: "\(prefix)-\(f)-\($0)") }
        ids += (0..<perFile).map { "\(prefix)-\(f)-\($0)" }
        let key = TS.s3Key(day: 20 + f % 3, name: "\(prefix)\(f)")
        dir.writeGzip(root == "AWSLogs" ? key : root + "/" + key, TS.recordsFile(records))
    }
    return ids
}

private func copyTree(_ from: String, _ to: String) throws {
    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: to).deletingLastPathComponent().path, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: from, toPath: to)
}

@Suite("Ledger and dedupe")
struct LedgerTests {
    @Test("a rerun over the same tree reads nothing: every file unchanged, no new events")
    func rerunUnchanged() throws {
        try TS.withTempDir { dir in
            let ids = writeTree(dir)
            dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/22/partial.json", "{\"Records\":[1," + TS.record(id: "partial-1") + "]}")
            dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/22/failed.json", "{\"Records\":null}")
            let first = try TS.ingest([dir.file("AWSLogs")], into: dir.database)
            #expect(first.eventsNew == ids.count + 1)
            #expect(first.filesSeen == 6 && first.filesIngested == 4 && first.filesPartial == 1 && first.filesFailed == 1)

            let db = try TS.openDB(dir.database)
            let ledgerBefore = try TS.ledgerRows(db)
            let second = try TS.ingest([dir.file("AWSLogs")], into: dir.database)
            #expect(second.filesSeen == 6)
            #expect(second.filesUnchanged == 6)
            #expect(second.filesPreviouslyFailed == 1)
            #expect(second.eventsNew == 0 && second.eventsDuplicate == 0 && second.recordsRejected == 0)
            #expect(second.filesIngested == 0 && second.filesFailed == 0 && second.filesPartial == 0 && second.filesDuplicate == 0)
            #expect(second.bytesRead == 0, "unchanged files are not read")
            #expect(!second.hasProblems)
            #expect(try TS.ledgerRows(db) == ledgerBefore)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == ids.count + 1)
            #expect(try TS.count(db, "SELECT count(*) FROM rejected_records") == 1)

            // The same tree named by a relative-looking path with `..` is still the same ledger entries.
            let third = try TS.ingest([dir.file("AWSLogs/../AWSLogs")], into: dir.database)
            #expect(third.filesUnchanged == 6 && third.eventsNew == 0)
            #expect(try TS.count(db, "SELECT count(*) FROM files") == 6)
        }
    }

    @Test("a copy of the tree under another directory adds no events; the copies are recorded as duplicate content")
    func copiedTree() throws {
        try TS.withTempDir { dir in
            let ids = writeTree(dir, root: "a/AWSLogs")
            try TS.ingest([dir.file("a")], into: dir.database)
            try copyTree(dir.file("a"), dir.file("b"))

            let summary = try TS.ingest([dir.file("a"), dir.file("b")], into: dir.database)
            #expect(summary.filesUnchanged == 4)
            #expect(summary.filesDuplicate == 4)
            #expect(summary.eventsNew == 0)
            #expect(summary.eventsDuplicate == 0, "duplicate files are not even parsed")

            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == ids.count)
            let rows = try TS.ledgerRows(db)
            let originals = rows.filter { $0.path.contains("/a/") }
            let copies = rows.filter { $0.path.contains("/b/") }
            #expect(originals.count == 4 && copies.count == 4)
            #expect(originals.allSatisfy { $0.status == "ingested" && $0.duplicateOf == nil })
            #expect(copies.allSatisfy { $0.status == "duplicate" && $0.records == 0 && $0.newEvents == 0 })
            // Each copy points at the original with the same relative path.
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
            for copy in copies {
                let original = try #require(copy.duplicateOf.flatMap { byID[$0] })
                #expect(original.path.replacingOccurrences(of: "/a/", with: "/b/") == copy.path)
            }
        }
    }

    @Test("a tree and its copy in the same first run: each event stored once, half the files duplicate")
    func copiedTreeSameRun() throws {
        try TS.withTempDir { dir in
            let ids = writeTree(dir, root: "a/AWSLogs", files: 5)
            try copyTree(dir.file("a"), dir.file("b"))
            let summary = try TS.ingest([dir.file("a"), dir.file("b")], into: dir.database)
            #expect(summary.filesSeen == 10)
            #expect(summary.filesIngested == 5)
            #expect(summary.filesDuplicate == 5)
            #expect(summary.eventsNew == ids.count)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == ids.count)
            #expect(try TS.count(db, "SELECT count(*) FROM files WHERE status = 'duplicate' AND duplicate_of IS NOT NULL") == 5)
            // Secondary indexes exist after a first bulk load.
            #expect(try TS.count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'events_time'") == 1)
        }
    }

    @Test("the same eventID in two different files is stored once and counted as a duplicate")
    func sameEventTwoFiles() throws {
        try TS.withTempDir { dir in
            dir.write("logs/one.json", TS.recordsFile([TS.record(id: "shared-id", name: "FromOne"), TS.record(id: "only-one")]))
            dir.write("logs/two.json", TS.recordsFile([TS.record(id: "shared-id", name: "FromTwo"), TS.record(id: "only-two")]))
            let summary = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(summary.eventsNew == 3)
            #expect(summary.eventsDuplicate == 1)
            #expect(summary.filesIngested == 2)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id = 'shared-id'") == 1)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == 3)
            let rows = try TS.ledgerRows(db)
            #expect(rows.map(\.duplicateEvents).sorted() == [0, 1])
            #expect(rows.map(\.newEvents).sorted() == [1, 2])
            #expect(rows.allSatisfy { $0.records == 2 && $0.status == "ingested" })
            // The same event within one file counts once too.
            dir.write("logs2/twice.json", TS.recordsFile([TS.record(id: "in-file-dup"), TS.record(id: "in-file-dup")]))
            let again = try TS.ingest([dir.file("logs2")], into: dir.database)
            #expect(again.eventsNew == 1 && again.eventsDuplicate == 1)
        }
    }

    @Test("resources of a duplicate event are not stored twice")
    func duplicateResources() throws {
        try TS.withTempDir { dir in
            let withResources = TS.record(id: "res-dup", overrides: ["resources": [["ARN": "arn:aws:s3:::b", "type": "AWS::S3::Bucket"]]])
            dir.write("r/one.json", TS.recordsFile([withResources]))
            dir.write("r/two.json", TS.recordsFile([withResources, TS.record(id: "other")]))
            try TS.ingest([dir.file("r")], into: dir.database)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM resources WHERE event_id = 'res-dup'") == 1)
            #expect(try db.scalarText("SELECT arn FROM resources WHERE event_id = 'res-dup'") == "arn:aws:s3:::b")
        }
    }

    @Test("a file that grows is read again and only its new event is added")
    func appendedFile() throws {
        try TS.withTempDir { dir in
            let path = dir.write("logs/growing.jsonl", TS.records("grow", 3).joined(separator: "\n") + "\n")
            let first = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(first.eventsNew == 3)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((TS.record(id: "grow-3") + "\n").utf8))
            try handle.close()

            let second = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(second.filesUnchanged == 0)
            #expect(second.filesIngested == 1)
            #expect(second.eventsNew == 1)
            #expect(second.eventsDuplicate == 3)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == 4)
            let row = try #require(try TS.ledgerRow(db, endingWith: "growing.jsonl"))
            #expect(row.records == 4 && row.newEvents == 1 && row.duplicateEvents == 3 && row.status == "ingested")
            #expect(try TS.count(db, "SELECT count(*) FROM files") == 1, "the ledger row is updated, not duplicated")
            // Rewritten back with a reject: the old rejects are replaced, not accumulated.
            try Data(("{\"Records\":[7," + TS.record(id: "grow-0") + "]}").utf8).write(to: URL(fileURLWithPath: path))
            let third = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(third.filesPartial == 1 && third.recordsRejected == 1)
            try Data(("{\"Records\":[8,9," + TS.record(id: "grow-0") + "]}").utf8).write(to: URL(fileURLWithPath: path))
            let fourth = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(fourth.recordsRejected == 2)
            #expect(try TS.rejectedRows(db, fileEndingWith: "growing.jsonl").map(\.0) == [0, 1])
        }
    }

    @Test("a touched but unchanged file is recognised by its content and not re-ingested")
    func touchedFile() throws {
        try TS.withTempDir { dir in
            let path = dir.write("logs/touched.json", TS.recordsFile(TS.records("touch", 2)))
            try TS.ingest([dir.file("logs")], into: dir.database)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: path)
            let summary = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(summary.filesUnchanged == 1)
            #expect(summary.eventsNew == 0 && summary.eventsDuplicate == 0)
            #expect(summary.filesDuplicate == 0, "the same path with the same content is not a duplicate of itself")
        }
    }

    @Test("--retry-failed: a failed file is skipped on rerun unless asked, then read again")
    func retryFailed() throws {
        try TS.withTempDir { dir in
            // A file that fails part-way: the record before the break is kept.
            let path = dir.write("logs/flaky.json", "{\"Records\":[" + TS.record(id: "flaky-0") + ",{\"eventID\":")
            dir.write("logs/fine.json", TS.recordsFile([TS.record(id: "fine-0")]))
            let first = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(first.filesFailed == 1 && first.eventsNew == 2)

            let reporter = TS.RecordingReporter()
            let second = try TS.ingest([dir.file("logs")], into: dir.database, reporter: reporter)
            #expect(second.filesUnchanged == 2)
            #expect(second.filesPreviouslyFailed == 1)
            #expect(second.filesFailed == 0)
            #expect(reporter.problems.isEmpty, "an unchanged failed file is not reported again")
            #expect(second.text.contains("--retry-failed"))

            let third = try TS.ingest([dir.file("logs")], into: dir.database, options: TS.testOptions(retryFailed: true))
            #expect(third.filesFailed == 1, "still broken, so failed again")
            #expect(third.filesUnchanged == 1, "only failed files are retried")
            #expect(third.eventsNew == 0 && third.eventsDuplicate == 1)

            // Fixed (new size): read without the flag.
            try Data(TS.recordsFile([TS.record(id: "flaky-0"), TS.record(id: "flaky-1")]).utf8).write(to: URL(fileURLWithPath: path))
            let fourth = try TS.ingest([dir.file("logs")], into: dir.database)
            #expect(fourth.filesIngested == 1 && fourth.filesFailed == 0)
            #expect(fourth.eventsNew == 1)
            let db = try TS.openDB(dir.database)
            let row = try #require(try TS.ledgerRow(db, endingWith: "flaky.json"))
            #expect(row.status == "ingested" && row.error == nil)
        }
    }

    @Test("a failed file's content elsewhere is not treated as already ingested")
    func failedContentNotDuplicate() throws {
        try TS.withTempDir { dir in
            dir.write("a/broken.json", "{\"Records\":null}")
            try TS.ingest([dir.file("a")], into: dir.database)
            dir.write("b/broken-copy.json", "{\"Records\":null}")
            let summary = try TS.ingest([dir.file("b")], into: dir.database)
            #expect(summary.filesDuplicate == 0)
            #expect(summary.filesFailed == 1)
        }
    }

    @Test("standard input: bytes are ingested under a content-derived ledger path; the same bytes again are unchanged")
    func stdinInput() throws {
        try TS.withTempDir { dir in
            let bytes = Array(TS.recordsFile(TS.records("stdin", 3)).utf8)
            let input = InputFile(path: "-", kind: .events, stdinBytes: bytes)
            #expect(input.ledgerPath == "-")
            let first = try Ingester(databasePath: dir.database, options: TS.testOptions()).run([input])
            #expect(first.eventsNew == 3 && first.filesIngested == 1)
            let db = try TS.openDB(dir.database)
            let row = try #require(try TS.ledgerRows(db).first)
            #expect(row.path == "stdin:" + ContentDigest.sha256Hex(bytes))
            #expect(try db.scalarInt("SELECT mtime_ns FROM files") == nil)

            let second = try Ingester(databasePath: dir.database, options: TS.testOptions()).run([input])
            #expect(second.filesUnchanged == 1 && second.eventsNew == 0)

            let gzipped = InputFile(path: "-", kind: .events, stdinBytes: TS.gzip(TS.recordsFile([TS.record(id: "stdin-gz")])))
            let third = try Ingester(databasePath: dir.database, options: TS.testOptions()).run([gzipped])
            #expect(third.eventsNew == 1)
            #expect(try TS.count(db, "SELECT count(*) FROM files") == 2)

            // Stdin bytes identical to a file already ingested are duplicate content.
            let filePath = dir.write("on-disk.json", TS.recordsFile([TS.record(id: "disk-1")]))
            try TS.ingest([filePath], into: dir.database)
            let same = InputFile(path: "-", kind: .events, stdinBytes: Array(try Data(contentsOf: URL(fileURLWithPath: filePath))))
            let fourth = try Ingester(databasePath: dir.database, options: TS.testOptions()).run([same])
            #expect(fourth.filesDuplicate == 1 && fourth.eventsNew == 0)
        }
    }

    @Test("one file named twice (directory and explicit path) keeps an honest ledger row")
    func sameFileTwoSpellings() throws {
        try TS.withTempDir { dir in
            dir.write("logs/one.json", TS.recordsFile(TS.records("twice", 2)))
            let inputs = try InputDiscovery.discover([dir.file("logs"), dir.file("logs/./one.json")])
            let summary = try Ingester(databasePath: dir.database, options: TS.testOptions()).run(inputs)
            #expect(summary.eventsNew == 2)
            let db = try TS.openDB(dir.database)
            let rows = try TS.ledgerRows(db)
            #expect(rows.count == 1)
            #expect(inputs.count == 1)
            #expect(rows.first?.status == "ingested")
            #expect(rows.first?.duplicateOf == nil)
        }
    }

    @Test("each file commits with its ledger row: counts in the ledger match the events table")
    func ledgerMatchesEvents() throws {
        try TS.withTempDir { dir in
            let ids = writeTree(dir, files: 7, perFile: 5)
            try TS.ingest([dir.file("AWSLogs")], into: dir.database)
            let db = try TS.openDB(dir.database)
            #expect(try TS.count(db, "SELECT sum(new_events) FROM files") == ids.count)
            #expect(try TS.count(db, "SELECT count(*) FROM events e LEFT JOIN files f ON f.id = e.file_id WHERE f.id IS NULL") == 0)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == ids.count)
            // record_index is the position in the file.
            #expect(try TS.count(db, "SELECT max(record_index) FROM events") == 4)
        }
    }

    // MARK: discovery

    @Test("discovery keeps log-like names, skips hidden entries, sorts, and marks digests")
    func discovery() throws {
        try TS.withTempDir { dir in
            for name in ["b.json", "a.json.gz", "c.jsonl", "d.ndjson", "e.jsonl.gz", "f.ndjson.gz", "UPPER.JSON.GZ", "notes.txt", "g.json.bz2",
                         ".hidden.json", ".hidden-dir/x.json", "sub/deeper/h.json", "AWSLogs/1/CloudTrail-Digest/us-east-1/d.json.gz"] {
                dir.write("root/" + name, "{}")
            }
            let inputs = try InputDiscovery.discover([dir.file("root")])
            let names = inputs.map { String($0.path.dropFirst(dir.file("root").count + 1)) }
            #expect(names == ["AWSLogs/1/CloudTrail-Digest/us-east-1/d.json.gz", "UPPER.JSON.GZ", "a.json.gz", "b.json", "c.jsonl",
                              "d.ndjson", "e.jsonl.gz", "f.ndjson.gz", "sub/deeper/h.json"])
            #expect(inputs.first?.kind == .digest)
            #expect(inputs.dropFirst().allSatisfy { $0.kind == .events })
            #expect(inputs.allSatisfy { $0.ledgerPath.hasPrefix("/") })

            // A file named explicitly is taken whatever its name.
            let explicit = try InputDiscovery.discover([dir.file("root/notes.txt")])
            #expect(explicit.map(\.path) == [dir.file("root/notes.txt")])
            // The same file twice is listed once.
            #expect(try InputDiscovery.discover([dir.file("root/b.json"), dir.file("root/b.json")]).count == 1)
            // A missing path is an input error naming it.
            #expect(throws: InputError.self) { try InputDiscovery.discover([dir.file("nope")]) }
            do {
                _ = try InputDiscovery.discover([dir.file("nope")])
            } catch let error as InputError {
                #expect(error.description.contains("nope") && error.description.contains("no such file"))
            }
        }
    }

    @Test("an empty directory gives no inputs and an empty run")
    func emptyDirectory() throws {
        try TS.withTempDir { dir in
            try FileManager.default.createDirectory(atPath: dir.file("empty"), withIntermediateDirectories: true)
            let inputs = try InputDiscovery.discover([dir.file("empty")])
            #expect(inputs.isEmpty)
            let summary = try Ingester(databasePath: dir.database, options: TS.testOptions()).run(inputs)
            #expect(summary.filesSeen == 0 && summary.eventsNew == 0 && !summary.hasProblems)
        }
    }
}
