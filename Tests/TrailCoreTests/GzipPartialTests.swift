import Foundation
import Testing
@testable import TrailCore

// A broken gzip stream keeps the complete records inflated before the break (README: "the
// records before the break are kept"), and the file still fails with the gzip error.

extension TS {
    /// What the system `gzip -dc` writes before it stops on a broken stream: the oracle for
    /// how many inflated bytes a cut or corrupt input still yields.
    static func gunzipPrefixWithSystemTool(_ bytes: [UInt8]) -> [UInt8] {
        (try? runProcess(gzipExecutable, ["-dc"], stdin: bytes))?.stdout ?? []
    }

    /// Records that compress less evenly than `records(_:_:)`, so cuts land at many places.
    static func variedRecords(_ prefix: String, _ count: Int) -> [String] {
        (0..<count).map { i in
            record(id: "\(prefix)-\(i)", name: "Call\((i * 7919) % 1000)",
                   overrides: ["requestParameters": ["n": String(repeating: "ab\(i % 13)", count: (i * 31) % 40)]])
        }
    }

    /// The ids of the records whose whole text lies within `inflated`, given each record's text
    /// as written into the file after `header` and separated by `separator`.
    static func completeRecordIDs(in inflated: [UInt8], header: String, records: [String], separator: String, prefix: String) -> [String] {
        var end = header.utf8.count
        var ids: [String] = []
        for (i, record) in records.enumerated() {
            end += (i > 0 ? separator.utf8.count : 0) + record.utf8.count
            guard end <= inflated.count else { break }
            ids.append("\(prefix)-\(i)")
        }
        return ids
    }
}

@Suite("Gzip: records before a break are kept")
struct GzipPartialTests {
    @Test("a {\"Records\":[…]} stream cut at many points keeps exactly the records inflated whole before the cut")
    func truncatedRecordsContainer() throws {
        let records = TS.variedRecords("cut", 400)
        let full = TS.gzip(TS.recordsFile(records))
        let cuts = [12, 40, full.count / 5, full.count / 3, full.count / 2, (full.count * 2) / 3, full.count - 200, full.count - 9, full.count - 8, full.count - 1]
        var sawMiddle = false
        for cut in cuts {
            let prefix = Array(full.prefix(cut))
            let expected = TS.completeRecordIDs(in: TS.gunzipPrefixWithSystemTool(prefix), header: "{\"Records\":[",
                                                records: records, separator: ",", prefix: "cut")
            let file = LogFileDecoder.decode(prefix)
            #expect(TS.eventIDs(file) == expected, "cut at \(cut) of \(full.count)")
            #expect(file.fileError?.contains("truncated gzip stream") == true, "cut at \(cut): \(file.fileError ?? "nil")")
            #expect(file.rejects.isEmpty, "the record cut by the break is not a rejected record")
            if !expected.isEmpty && expected.count < records.count { sawMiddle = true }
        }
        #expect(sawMiddle, "some cut fell between the first and the last record")
        // Only the trailer missing: every record was inflated.
        #expect(LogFileDecoder.decode(Array(full.prefix(full.count - 8))).recordCount == records.count)
    }

    @Test("NDJSON cut mid-line keeps the whole lines and does not reject the cut one")
    func truncatedNDJSON() throws {
        let records = TS.variedRecords("line", 300)
        let full = TS.gzip(records.joined(separator: "\n") + "\n")
        for cut in [full.count / 4, full.count / 2, full.count - 100] {
            let prefix = Array(full.prefix(cut))
            let inflated = TS.gunzipPrefixWithSystemTool(prefix)
            let expected = TS.completeRecordIDs(in: inflated, header: "", records: records, separator: "\n", prefix: "line")
            let file = LogFileDecoder.decode(prefix)
            #expect(TS.eventIDs(file) == expected, "cut at \(cut)")
            #expect(!expected.isEmpty && expected.count < records.count, "cut at \(cut) lies inside the records")
            #expect(file.rejects.isEmpty)
            #expect(file.fileError?.contains("truncated") == true)
        }
    }

    @Test("a bad CRC keeps every record and fails the file with the CRC error")
    func badCRC() throws {
        let records = TS.variedRecords("crc", 30)
        var bytes = TS.gzip(TS.recordsFile(records))
        bytes[bytes.count - 6] ^= 0x01
        let file = LogFileDecoder.decode(bytes)
        #expect(TS.eventIDs(file) == (0..<30).map { "crc-\($0)" })
        #expect(file.fileError?.contains("incorrect data check") == true, "\(file.fileError ?? "nil")")
    }

    @Test("corrupt deflate data keeps only intact records from before the corruption")
    func corruptBlock() throws {
        let records = TS.variedRecords("bad", 400)
        let full = TS.gzip(TS.recordsFile(records))
        var bytes = full
        bytes[full.count / 2] ^= 0xFF
        bytes[full.count / 2 + 1] ^= 0x55
        let file = LogFileDecoder.decode(bytes)
        #expect(file.fileError?.contains("gzip") == true)
        let ids = TS.eventIDs(file)
        #expect(ids == Array((0..<400).map { "bad-\($0)" }.prefix(ids.count)), "kept records are the first ones, in order")
        #expect(ids.count > 0 && ids.count < 400, "the records before the corruption are kept, not those after")
        for i in 0..<file.recordCount {
            #expect(file.string(i, .eventName) == "Call\((i * 7919) % 1000)", "record \(i) is intact")
        }
    }

    @Test("junk after complete members keeps every member's records and reports the junk")
    func trailingJunk() throws {
        let a = TS.gzip(TS.recordsFile(TS.records("ja", 3)))
        let b = TS.gzip(TS.records("jb", 2).joined(separator: "\n") + "\n")
        let file = LogFileDecoder.decode(a + b + Array("this is not gzip".utf8))
        #expect(TS.eventIDs(file) == ["ja-0", "ja-1", "ja-2", "jb-0", "jb-1"])
        #expect(file.fileError?.contains("unexpected bytes after the gzip stream") == true, "\(file.fileError ?? "nil")")
        #expect(file.fileError?.contains("16 bytes") == true, "the junk's size is reported: \(file.fileError ?? "nil")")
    }

    @Test("ingest: a truncated gzip is failed in the ledger with its error and its complete records stored")
    func ingestKeepsRecords() throws {
        try TS.withTempDir { dir in
            let records = TS.variedRecords("ing", 300)
            let full = TS.gzip(TS.recordsFile(records))
            let cut = Array(full.prefix(full.count / 2))
            dir.write("logs/half.json.gz", cut)
            let expected = TS.completeRecordIDs(in: TS.gunzipPrefixWithSystemTool(cut), header: "{\"Records\":[",
                                                records: records, separator: ",", prefix: "ing")
            #expect(expected.count > 0)
            let reporter = TS.RecordingReporter()
            let summary = try TS.ingest([dir.file("logs")], into: dir.database, reporter: reporter)
            #expect(summary.filesFailed == 1 && summary.eventsNew == expected.count)
            let db = try TS.openDB(dir.database)
            let row = try #require(try TS.ledgerRows(db).first)
            #expect(row.status == "failed" && row.records == expected.count)
            #expect(row.error?.contains("truncated gzip stream") == true)
            #expect(try TS.count(db, "SELECT count(*) FROM events") == expected.count)
            #expect(reporter.problems.contains { $0.contains("half.json.gz") && $0.contains("truncated") && $0.contains("kept the \(expected.count) records") })
        }
    }
}
