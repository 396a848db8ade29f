import Foundation
import Testing
@testable import TrailCore

// The ledger's "same content" check against a forged file. The ledger used to key duplicates on
// a fast 128-bit multiply-xor hash (kept below, only here, to build the collision): a valid gzip
// holding one harmless record, of the same size and hash as a real log holding StopLogging and
// DeleteTrail, made trail record the real log as `duplicate` and never read it.

/// The hash the ledger used before SHA-256, as it was (ContentHash.hex), state exposed.
private enum OldContentHash {
    static let ka: UInt64 = 0x9FB2_1C65_1E98_DF25
    static let kb: UInt64 = 0xD6E8_FEB8_6659_FD93

    static func mix(_ x: UInt64) -> UInt64 { x ^ (x >> 29) }
    /// mix's inverse: x ^ (x >> 29) is undone by y ^ (y >> 29) ^ (y >> 58).
    static func unmix(_ y: UInt64) -> UInt64 { y ^ (y >> 29) ^ (y >> 58) }
    /// The inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct bits).
    static func inverse(_ k: UInt64) -> UInt64 {
        var x: UInt64 = k
        for _ in 0..<6 { x = x &* (2 &- k &* x) }
        return x
    }

    static func word(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var v: UInt64 = 0
        for (i, byte) in bytes.enumerated() { v |= UInt64(byte) << (8 * UInt64(i)) }
        return v
    }

    static func initial(count: Int) -> (UInt64, UInt64) {
        (0x9E37_79B9_7F4A_7C15 ^ UInt64(count), 0xC2B2_AE3D_27D4_EB4F &+ UInt64(count))
    }

    /// The two lanes after the bytes from `start` (a multiple of 16) to the end, before finalising.
    static func lanes(_ bytes: [UInt8], from start: Int, state: (UInt64, UInt64)) -> (UInt64, UInt64) {
        var (a, b) = state
        var i = start
        while i + 16 <= bytes.count {
            a = mix(a ^ word(bytes[i..<i + 8])) &* ka
            b = mix(b ^ word(bytes[i + 8..<i + 16])) &* kb
            i += 16
        }
        if bytes.count - i >= 8 {
            a = mix(a ^ word(bytes[i..<i + 8])) &* ka
            i += 8
        }
        b = mix(b ^ word(bytes[i...])) &* kb
        return (a, b)
    }

    /// The lanes before the bytes from `start` to the end, given the lanes after them.
    static func lanesBefore(_ bytes: [UInt8], from start: Int, after state: (UInt64, UInt64)) -> (UInt64, UInt64) {
        var (a, b) = state
        let blocks = (bytes.count - start) / 16
        var i = start + blocks * 16
        let tailStart = bytes.count - i >= 8 ? i + 8 : i
        b = unmix(b &* inverse(kb)) ^ word(bytes[tailStart...])
        if tailStart > i { a = unmix(a &* inverse(ka)) ^ word(bytes[i..<tailStart]) }
        while i > start {
            i -= 16
            a = unmix(a &* inverse(ka)) ^ word(bytes[i..<i + 8])
            b = unmix(b &* inverse(kb)) ^ word(bytes[i + 8..<i + 16])
        }
        return (a, b)
    }

    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        var (a, b) = lanes(bytes, from: 0, state: initial(count: bytes.count))
        a = finalize(a ^ ((b << 17) | (b >> 47)))
        b = finalize(b ^ ((a << 29) | (a >> 35)))
        return [a, b].map { String($0, radix: 16) }.map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
    }
}

/// A real log with StopLogging and DeleteTrail, and a forged gzip of the same size and old hash.
private struct Forgery {
    let real: [UInt8]
    let forged: [UInt8]

    static let realIDs = ["real-stop-logging", "real-delete-trail"]

    init() throws {
        let trail = ["name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"]
        let realRecords = [
            TS.record(id: Self.realIDs[0], time: "2026-11-20T10:00:00Z", name: "StopLogging",
                      overrides: ["eventSource": "cloudtrail.amazonaws.com", "readOnly": false, "requestParameters": trail]),
            TS.record(id: Self.realIDs[1], time: "2026-11-20T10:01:00Z", name: "DeleteTrail",
                      overrides: ["eventSource": "cloudtrail.amazonaws.com", "readOnly": false, "requestParameters": trail]),
        ]
        real = TS.gzip(TS.recordsFile(realRecords))

        // The forgery: one harmless record, gzip with an FEXTRA field in its header. The field
        // holds 4 bytes to reach offset 16, the 16 adjustment bytes (one whole hash block at
        // offset 16), then filler so the file is exactly as long as the real one.
        let plain = TS.gzip(TS.recordsFile([TS.record(id: "harmless-describe", name: "DescribeInstances")]))
        let deflateAndTrailer = Array(plain[10...])  // `gzip -n` writes a bare 10-byte header
        let filler = real.count - 10 - 2 - 20 - deflateAndTrailer.count
        try #require(filler >= 0, "the harmless file must be the smaller one")
        // One well-formed subfield ("TR", its length, its data) fills the whole extra field.
        let extraLength = 20 + filler, dataLength = 16 + filler
        var bytes: [UInt8] = [0x1F, 0x8B, 8, 0x04 /* FEXTRA */, 0, 0, 0, 0, 0, 3,
                              UInt8(extraLength & 0xFF), UInt8(extraLength >> 8),
                              0x54, 0x52, UInt8(dataLength & 0xFF), UInt8(dataLength >> 8)]
        bytes += [UInt8](repeating: 0, count: 16)  // the adjustment block, solved below
        bytes += [UInt8](repeating: 0x20, count: filler)
        bytes += deflateAndTrailer
        try #require(bytes.count == real.count)

        // Solve the block: the lanes before it come from the 16 bytes ahead; the lanes after it
        // must be those that the rest of the file turns into the real file's final lanes.
        let target = OldContentHash.lanes(real, from: 0, state: OldContentHash.initial(count: real.count))
        let needed = OldContentHash.lanesBefore(bytes, from: 32, after: target)
        var (a, b) = OldContentHash.initial(count: real.count)
        a = OldContentHash.mix(a ^ OldContentHash.word(bytes[0..<8])) &* OldContentHash.ka
        b = OldContentHash.mix(b ^ OldContentHash.word(bytes[8..<16])) &* OldContentHash.kb
        let x = a ^ OldContentHash.unmix(needed.0 &* OldContentHash.inverse(OldContentHash.ka))
        let y = b ^ OldContentHash.unmix(needed.1 &* OldContentHash.inverse(OldContentHash.kb))
        for i in 0..<8 {
            bytes[16 + i] = UInt8(truncatingIfNeeded: x >> (8 * UInt64(i)))
            bytes[24 + i] = UInt8(truncatingIfNeeded: y >> (8 * UInt64(i)))
        }
        forged = bytes
    }
}

@Suite("Ledger against forged files")
struct LedgerForgeryTests {
    @Test("the forgery is real: a valid gzip with one harmless record, the real log's size and old hash, different SHA-256")
    func forgeryCollidesWithTheOldHash() throws {
        let forgery = try Forgery()
        #expect(forgery.forged.count == forgery.real.count)
        #expect(forgery.forged != forgery.real)
        #expect(OldContentHash.hex(forgery.forged) == OldContentHash.hex(forgery.real),
                "the old ledger key (size and hash) is the same for both files")
        // A valid gzip for trail and for the system's gzip, holding the harmless record only.
        let decoded = LogFileDecoder.decode(forgery.forged)
        #expect(decoded.fileError == nil)
        #expect(TS.eventIDs(decoded) == ["harmless-describe"])
        #expect(TS.gunzipWithSystemTool(forgery.forged) != nil)
        #expect(TS.eventIDs(LogFileDecoder.decode(forgery.real)) == Forgery.realIDs)
        // What the ledger keys on now tells them apart, raw and inflated.
        #expect(ContentDigest.sha256Hex(forgery.forged) != ContentDigest.sha256Hex(forgery.real))
        let forgedContent = try #require(TS.gunzipWithSystemTool(forgery.forged))
        let realContent = try #require(TS.gunzipWithSystemTool(forgery.real))
        #expect(ContentKey(inflated: forgedContent) != ContentKey(inflated: realContent))
    }

    /// Ingests the forgery and the real log (`together`: one run, forgery first; else the
    /// forgery in an earlier run), and checks that the real log is read and reported.
    private func check(together: Bool) throws {
        let forgery = try Forgery()
        try TS.withTempDir { dir in
            let forgedPath = dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/a-forged.json.gz", forgery.forged)
            let realPath = dir.write("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/b-real.json.gz", forgery.real)
            var options = TS.testOptions(attribute: true)
            options.jobs = 1  // files reach the writer in order: the forgery first
            if together {
                let summary = try TS.ingest([forgedPath, realPath], into: dir.database, options: options)
                #expect(summary.filesDuplicate == 0 && summary.filesIngested == 2)
            } else {
                try TS.ingest([forgedPath], into: dir.database, options: options)
                let summary = try TS.ingest([forgedPath, realPath], into: dir.database, options: options)
                #expect(summary.filesDuplicate == 0 && summary.filesIngested == 1 && summary.filesUnchanged == 1)
            }
            let db = try TS.openDB(dir.database)
            let real = try #require(try TS.ledgerRow(db, endingWith: "b-real.json.gz"))
            #expect(real.status == "ingested" && real.duplicateOf == nil && real.newEvents == 2)
            #expect(try TS.count(db, "SELECT count(*) FROM events WHERE event_id IN ('real-stop-logging', 'real-delete-trail')") == 2)
            // The ledger keeps the digest-compatible hash of the inflated log.
            let realContent = try #require(TS.gunzipWithSystemTool(forgery.real))
            let stored = try db.rows("SELECT sha256, content_sha256, content_size FROM files WHERE path LIKE '%b-real.json.gz'")
            #expect(stored.first?[0].textValue == ContentDigest.sha256Hex(forgery.real))
            #expect(stored.first?[1].textValue == ContentDigest.sha256Hex(realContent))
            #expect(stored.first?[2].intValue == Int64(realContent.count))

            let report = try ReportFixture.run(["cis-4.5"], database: dir.database, window: ReportWindow())
            #expect(try report.check("cis-4.5").values("event_id") == Forgery.realIDs.map { Optional($0) })
        }
    }

    @Test("a forgery ingested first in the same run does not hide the real log from the ledger or cis-4.5")
    func forgeryInTheSameRun() throws { try check(together: true) }

    @Test("a forgery ingested in an earlier run does not hide the real log from the ledger or cis-4.5")
    func forgeryInAnEarlierRun() throws { try check(together: false) }

    @Test("the same log gzipped differently, or not at all, is still a duplicate: the key is the inflated content, compared whole")
    func recompressedCopyIsDuplicate() throws {
        try TS.withTempDir { dir in
            let text = TS.recordsFile(TS.records("recompressed", 3))
            let original = dir.writeGzip("a/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/log.json.gz", text)
            try TS.ingest([original], into: dir.database)
            let plain = dir.write("b/log.json", text)
            let summary = try TS.ingest([plain], into: dir.database)
            #expect(summary.filesDuplicate == 1 && summary.eventsNew == 0 && summary.eventsDuplicate == 0)
            // One byte more is another content, however alike.
            let longer = dir.write("c/log.json", text + "\n")
            let other = try TS.ingest([longer], into: dir.database)
            #expect(other.filesDuplicate == 0 && other.filesIngested == 1 && other.eventsDuplicate == 3)
        }
    }
}
