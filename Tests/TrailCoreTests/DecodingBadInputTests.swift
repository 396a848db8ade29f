import Foundation
import Testing
@testable import TrailCore

// The decoder's failure policy on bad input: reject a record and keep the rest, or fail the file
// and keep what came before the break. Gzip framing errors.

@Suite("Decoding: bad input")
struct DecodingBadInputTests {
    // MARK: whole-file problems

    @Test("a zero-byte file fails as empty")
    func zeroBytes() {
        let file = LogFileDecoder.decode([])
        #expect(file.fileError == "empty file")
        #expect(file.recordCount == 0)
    }

    @Test("a gzip stream of nothing fails as empty after decompression")
    func emptyGzip() {
        let file = LogFileDecoder.decode(TS.gzip([]))
        #expect(file.fileError == "empty after decompression")
    }

    @Test("whitespace only, or text that is not JSON, fails and says what it starts with")
    func notJSON() {
        #expect(TS.decode("  \n\t ").fileError?.contains("not JSON") == true)
        let csv = TS.decode("eventID,eventTime\n1,2\n")
        #expect(csv.fileError?.contains("not gzip and not JSON") == true)
        #expect(csv.fileError?.contains("'e'") == true, "\(csv.fileError ?? "")")
    }

    @Test("random bytes that do not start like gzip fail as not gzip and not JSON")
    func randomBytes() {
        var generator = TS.SplitMix64(seed: 42)
        var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = 0x9C  // not '{', '[', whitespace or the gzip magic
        let file = LogFileDecoder.decode(bytes)
        #expect(file.fileError?.contains("not gzip and not JSON") == true, "\(file.fileError ?? "nil")")
        #expect(file.recordCount == 0)
    }

    @Test("gzip magic followed by garbage fails as an invalid gzip stream")
    func gzipMagicThenGarbage() {
        var generator = TS.SplitMix64(seed: 7)
        let bytes: [UInt8] = [0x1F, 0x8B] + (0..<2048).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let file = LogFileDecoder.decode(bytes)
        #expect(file.fileError?.contains("gzip") == true, "\(file.fileError ?? "nil")")
        #expect(file.recordCount == 0)
    }

    // MARK: gzip framing

    @Test("gzip truncated at any point is reported as truncated, never read as complete")
    func truncatedGzip() throws {
        let text = TS.recordsFile(TS.records("t", 50))
        let full = TS.gzip(text)
        #expect(LogFileDecoder.decode(full).recordCount == 50)
        let cuts = [2, 3, 5, 9, 10, 11, 20, full.count / 3, full.count / 2, full.count - 8, full.count - 5, full.count - 4, full.count - 1]
        for cut in cuts {
            let file = LogFileDecoder.decode(Array(full.prefix(cut)))
            #expect(file.fileError != nil, "cut at \(cut) of \(full.count)")
            #expect(file.fileError?.contains("truncated") == true, "cut at \(cut): \(file.fileError ?? "nil")")
            #expect(file.recordCount <= 50, "only records inflated whole before the cut are kept (GzipPartialTests)")
            #expect(throws: DecompressionError.self) { try Gunzip.decompress(Array(full.prefix(cut))) }
        }
    }

    @Test("corrupt deflate data or a wrong CRC is an error")
    func corruptGzip() {
        let full = TS.gzip(TS.recordsFile(TS.records("c", 20)))
        var flipped = full
        flipped[full.count / 2] ^= 0xFF
        flipped[full.count / 2 + 1] ^= 0x55
        #expect(LogFileDecoder.decode(flipped).fileError?.contains("gzip") == true)
        var badCRC = full
        badCRC[full.count - 6] ^= 0x01
        let file = LogFileDecoder.decode(badCRC)
        #expect(file.fileError != nil, "a CRC mismatch must not pass")
        #expect(file.recordCount == 20, "the records inflated before the CRC check are kept")
    }

    @Test("concatenated gzip members are all read")
    func concatenatedMembers() throws {
        let a = TS.gzip(TS.records("m1", 3).joined(separator: "\n") + "\n")
        let b = TS.gzip(TS.records("m2", 2).joined(separator: "\n") + "\n")
        let c = TS.gzip(TS.record(id: "m3-0") + "\n")
        let file = LogFileDecoder.decode(a + b + c)
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["m1-0", "m1-1", "m1-2", "m2-0", "m2-1", "m3-0"])
        // The system tool agrees on the inflated bytes.
        #expect(try Gunzip.decompress(a + b + c) == TS.gunzipWithSystemTool(a + b + c))
    }

    @Test("NUL padding after the stream is ignored; other trailing bytes are an error")
    func trailingBytes() {
        let member = TS.gzip(TS.recordsFile(TS.records("p", 2)))
        let padded = LogFileDecoder.decode(member + [UInt8](repeating: 0, count: 512))
        #expect(padded.fileError == nil)
        #expect(padded.recordCount == 2)
        let garbage = LogFileDecoder.decode(member + Array("garbage".utf8))
        #expect(garbage.fileError?.contains("unexpected bytes after the gzip stream") == true, "\(garbage.fileError ?? "nil")")
        let truncatedSecond = LogFileDecoder.decode(member + Array(member.prefix(15)))
        #expect(truncatedSecond.fileError?.contains("truncated") == true, "\(truncatedSecond.fileError ?? "nil")")
    }

    @Test("the inflated-size limit is enforced")
    func inflateLimit() {
        let big = TS.gzip([UInt8](repeating: 0x20, count: 1 << 20))
        #expect(throws: DecompressionError.self) { try Gunzip.decompress(big, limit: 1 << 16) }
        #expect((try? Gunzip.decompress(big, limit: 2 << 20))?.count == 1 << 20)
    }

    // MARK: syntax errors

    @Test("a syntax error inside Records fails the file and keeps the records before it")
    func brokenRecordsArray() {
        let good = TS.records("ok", 2)
        let file = TS.decode("{\"Records\":[" + good.joined(separator: ",") + ",{\"eventID\":\"broken\",]}")
        #expect(TS.eventIDs(file) == ["ok-0", "ok-1"])
        #expect(file.fileError?.hasPrefix("invalid JSON at byte") == true, "\(file.fileError ?? "nil")")
        #expect(file.fileError?.contains("record 2") == true, "the error names the record index: \(file.fileError ?? "nil")")
    }

    @Test("a file truncated mid-string fails with the records before it kept")
    func truncatedMidString() {
        let text = TS.recordsFile(TS.records("trunc", 3))
        let cut = String(text.prefix(text.count - 40))  // inside the last record
        let file = TS.decode(cut)
        #expect(TS.eventIDs(file) == ["trunc-0", "trunc-1"])
        #expect(file.fileError != nil)
        let inString = TS.decode("{\"Records\":[" + TS.record(id: "before") + ",{\"eventID\":\"abc")
        #expect(TS.eventIDs(inString) == ["before"])
        #expect(inString.fileError?.contains("unterminated string") == true, "\(inString.fileError ?? "nil")")
    }

    @Test("invalid UTF-8 inside Records fails the file and names the cause")
    func invalidUTF8InRecords() {
        var bytes = Array(("{\"Records\":[" + TS.record(id: "u-0") + ",").utf8)
        bytes += Array("{\"eventID\":\"u-1\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"userAgent\":\"".utf8) + [0xC3, 0x28] + Array("\"}]}".utf8)
        let file = LogFileDecoder.decode(bytes)
        #expect(TS.eventIDs(file) == ["u-0"])
        #expect(file.fileError?.contains("UTF-8") == true, "\(file.fileError ?? "nil")")
    }

    @Test("Records that is null, an object, a string or a number fails the file", arguments: [
        ("null", "null"), ("{}", "object"), ("\"x\"", "string"), ("7", "number"), ("true", "bool"),
    ])
    func recordsNotArray(value: String, kindName: String) {
        let file = TS.decode("{\"Records\": \(value)}")
        #expect(file.recordCount == 0)
        #expect(file.fileError?.contains("\"Records\" is") == true, "\(file.fileError ?? "nil")")
        #expect(file.fileError?.contains(kindName) == true, "\(file.fileError ?? "nil")")
    }

    @Test("NDJSON: a broken line is rejected and reading resumes at the next line")
    func ndjsonBrokenLine() {
        var bytes = Array((TS.record(id: "l-0") + "\n").utf8)
        bytes += Array("{\"eventID\":\"l-1\",\"eventTime\":\"2026-11-20T1\n".utf8)  // truncated mid-string
        bytes += Array((TS.record(id: "l-2") + "\n").utf8)
        bytes += Array("{\"eventID\":\"l-3\",\"eventName\":\"".utf8) + [0xFF] + Array("\"}\n".utf8)  // invalid UTF-8
        bytes += Array((TS.record(id: "l-4") + "\n").utf8)
        let file = LogFileDecoder.decode(bytes)
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["l-0", "l-2", "l-4"])
        #expect(file.recordIndexes == [0, 2, 4])
        #expect(TS.rejectIndexes(file) == [1, 3])
        #expect(TS.rejectReasons(file).allSatisfy { $0.hasPrefix("invalid JSON") }, "\(TS.rejectReasons(file))")
        #expect(TS.rejectReasons(file).last?.contains("UTF-8") == true)
        // The rejected line's raw text is kept.
        #expect(file.string(file.rejects[0].raw)?.hasPrefix("{\"eventID\":\"l-1\"") == true)
    }

    @Test("NDJSON: a last line cut off without a newline is rejected, earlier lines kept")
    func ndjsonTruncatedLastLine() {
        let text = TS.records("e", 2).joined(separator: "\n") + "\n{\"eventID\":\"e-2\",\"even"
        let file = TS.decode(text)
        #expect(TS.eventIDs(file) == ["e-0", "e-1"])
        #expect(TS.rejectIndexes(file) == [2])
        #expect(file.fileError == nil)
    }

    @Test("NDJSON: a line that is valid JSON but not an object is rejected like any non-object record")
    func ndjsonScalarLine() {
        for line in ["null", "42", "\"text\"", "true"] {
            let text = TS.record(id: "s-0") + "\n" + line + "\n" + TS.record(id: "s-2") + "\n"
            let file = TS.decode(text)
            #expect(TS.eventIDs(file).first == "s-0")
            #expect(TS.eventIDs(file) == ["s-0", "s-2"], "line \(line)")
            #expect(file.fileError == nil, "line \(line): \(file.fileError ?? "")")
        }
    }

    @Test("NDJSON: bytes after a complete object on the same line do not lose the following lines")
    func ndjsonTrailingGarbage() {
        let text = TS.record(id: "g-0") + "\n" + TS.record(id: "g-1") + " ,\n" + TS.record(id: "g-2") + "\n"
        let file = TS.decode(text)
        #expect(TS.eventIDs(file).prefix(2) == ["g-0", "g-1"])
        #expect(TS.eventIDs(file) == ["g-0", "g-1", "g-2"])
        #expect(file.fileError == nil, "\(file.fileError ?? "")")
    }

    @Test("a syntax error inside a pretty-printed single record is reported where it is")
    func prettyPrintedBrokenRecord() throws {
        let pretty = String(decoding: try JSONSerialization.data(withJSONObject: TS.recordObject(id: "pretty"), options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
        let marker = "\"eventName\" : \"DescribeInstances\","
        let broken = pretty.replacingOccurrences(of: marker, with: "\"eventName\" : \"DescribeInstances\" \"oops\",")
        let range = try #require(broken.range(of: "\"oops\""))
        let offset = broken.utf8.distance(from: broken.utf8.startIndex, to: range.lowerBound)
        let file = TS.decode(broken)
        #expect(file.recordCount == 0)
        #expect(file.fileError != nil)
        #expect(file.rejects.isEmpty, "\(TS.rejectReasons(file))")
        #expect(file.fileError?.contains("byte \(offset)") == true, "\(file.fileError ?? "nil")")
    }

    @Test("impossible calendar times are rejected like Foundation rejects them")
    func impossibleTimes() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "feb31", time: "2026-02-31T10:00:00Z"),
            TS.record(id: "hour24", time: "2026-11-20T24:59:60Z"),
            TS.record(id: "month13", time: "2026-13-01T00:00:00Z"),
        ]))
        #expect(!TS.eventIDs(file).contains("month13"))
        #expect(file.recordCount == 0, "stored: \(TS.eventIDs(file))")
    }

    // MARK: record-level rejects

    @Test("records that are not objects are rejected, naming their JSON kind; the others are kept")
    func nonObjectRecords() {
        let file = TS.decode("{\"Records\":[1,\"x\",null,[1,2],true," + TS.record(id: "obj") + "]}")
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["obj"])
        #expect(file.recordIndexes == [5])
        #expect(TS.rejectIndexes(file) == [0, 1, 2, 3, 4])
        #expect(TS.rejectReasons(file) == [
            "record is a JSON number, not an object", "record is a JSON string, not an object", "record is a JSON null, not an object",
            "record is a JSON array, not an object", "record is a JSON bool, not an object",
        ])
        #expect(file.string(file.rejects[3].raw) == "[1,2]")
    }

    @Test("records without eventID or eventTime are rejected with the reason; the others are kept")
    func missingIdentity() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "keep-0"),
            TS.record(id: "x", removing: ["eventID"]),
            TS.record(id: "no-time", removing: ["eventTime"]),
            TS.record(id: "x", overrides: ["eventID": NSNull()]),
            TS.record(id: "null-time", overrides: ["eventTime": NSNull()]),
            TS.record(id: "bad-time", time: "yesterday"),
            TS.record(id: "keep-6"),
            "{}",
        ]))
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["keep-0", "keep-6"])
        #expect(TS.rejectIndexes(file) == [1, 2, 3, 4, 5, 7])
        let reasons = TS.rejectReasons(file)
        #expect(reasons[0] == "missing eventID")
        #expect(reasons[1] == "missing eventTime")
        #expect(reasons[2] == "missing eventID")
        #expect(reasons[3] == "missing eventTime")
        #expect(reasons[4] == "eventTime \"yesterday\" is not an ISO-8601 time")
        #expect(reasons[5] == "missing eventID")
    }

    @Test("eventTime as an object or a number is rejected")
    func eventTimeWrongType() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "obj-time", overrides: ["eventTime": ["seconds": 1_795_000_000]]),
            TS.record(id: "num-time", overrides: ["eventTime": 20_261_120]),
        ]))
        #expect(TS.rejectIndexes(file).first == 0)
        #expect(TS.rejectReasons(file).first?.contains("eventTime") == true)
        #expect(file.recordCount == 0, "stored: \(TS.eventIDs(file))")
        #expect(TS.rejectIndexes(file) == [0, 1])
    }

    @Test("eventID that is not a string (number, bool, object) is rejected as such")
    func eventIDWrongType() {
        let file = TS.decode(TS.recordsFile([
            TS.record(id: "x", overrides: ["eventID": 12345]),
            TS.record(id: "x", overrides: ["eventID": true]),
            TS.record(id: "x", overrides: ["eventID": ["id": "nested"]]),
            TS.record(id: "keep"),
        ]))
        #expect(TS.eventIDs(file).last == "keep")
        #expect(TS.eventIDs(file) == ["keep"])
        #expect(TS.rejectReasons(file) == ["eventID is not a string", "eventID is not a string", "eventID is not a string"])
    }

    @Test("an empty eventID is rejected")
    func emptyEventID() {
        let file = TS.decode(TS.recordsFile([TS.record(id: "")]))
        #expect(file.recordCount == 0)
        #expect(TS.rejectIndexes(file) == [0])
    }

    // MARK: large and deep values

    @Test("a 200 KB requestParameters member is stored intact")
    func bigRequestParameters() throws {
        let blob = String(repeating: "0123456789abcdef", count: 200 * 1024 / 16)
        let file = TS.decode(TS.recordsFile([TS.record(id: "big", overrides: ["requestParameters": ["policyDocument": blob]])]))
        #expect(file.fileError == nil)
        let stored = try #require(file.string(0, .requestParameters))
        #expect(stored.utf8.count > 200 * 1024)
        let reparsed = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: String]
        #expect(reparsed?["policyDocument"] == blob)
    }

    @Test("10,000-deep nesting inside requestParameters is stored verbatim without overflowing the stack")
    func deepRequestParameters() throws {
        let depth = 10_000
        let deep = String(repeating: "{\"a\":[", count: depth) + "1" + String(repeating: "]}", count: depth)
        let text = "{\"Records\":[{\"eventID\":\"deep\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"requestParameters\":\(deep),\"eventName\":\"After\"}]}"
        let file = TS.decode(text)
        #expect(file.fileError == nil)
        #expect(TS.eventIDs(file) == ["deep"])
        #expect(file.string(0, .requestParameters) == deep)
        #expect(file.string(0, .eventName) == "After")
        // Unbalanced at depth: the file fails cleanly.
        let broken = "{\"Records\":[{\"eventID\":\"deep\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"requestParameters\":" + String(repeating: "[", count: depth) + "]}"
        #expect(TS.decode(broken).fileError != nil)
    }

    @Test("deep nesting inside userIdentity members is skipped")
    func deepUserIdentity() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let text = "{\"eventID\":\"deep-ui\",\"eventTime\":\"2026-11-20T10:00:00Z\",\"userIdentity\":{\"type\":\"IAMUser\",\"weird\":\(deep),\"sessionContext\":{\"attributes\":{\"x\":\(deep),\"creationDate\":\"2026-11-20T09:00:00Z\"}},\"userName\":\"bob\"}}"
        let file = TS.decode(text)
        #expect(TS.eventIDs(file) == ["deep-ui"])
        #expect(file.string(0, .userName) == "bob")
        #expect(file.string(0, .sessionCreationDate) == "2026-11-20T09:00:00Z")
    }
}
