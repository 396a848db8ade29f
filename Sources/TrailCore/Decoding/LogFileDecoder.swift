import Foundation

/// Reads one input file's bytes into a `ParsedFile`, whatever shape the records come in:
/// CloudTrail's `{"Records":[…]}`, a bare JSON array, NDJSON (one record or one EventBridge
/// envelope per line), `aws cloudtrail lookup-events` output, or a digest document.
///
/// Policy: a record that is well-formed JSON but not a valid record is rejected and the file's
/// other records are kept. A syntax error inside a `Records` array ends the file (nothing after
/// it can be trusted), keeping the records before it. In NDJSON a broken line is rejected and
/// reading resumes at the next line.
public enum LogFileDecoder {
    public enum Expectation: Sendable { case events, digest }

    public static func decode(_ raw: [UInt8], expecting: Expectation = .events) -> ParsedFile {
        var file = ParsedFile()
        if Gunzip.isGzip(raw) {
            do {
                file.buffer = try Gunzip.decompress(raw)
            } catch let error as DecompressionError {
                file.fileError = error.description
                return file
            } catch {
                file.fileError = "\(error)"
                return file
            }
        } else {
            file.buffer = raw
        }
        guard !file.buffer.isEmpty else {
            file.fileError = raw.isEmpty ? "empty file" : "empty after decompression"
            return file
        }
        if expecting == .digest {
            decodeDigest(&file)
            return file
        }
        decodeRecords(&file)
        return file
    }

    // MARK: events

    static func decodeRecords(_ file: inout ParsedFile) {
        var embedded: [UInt8]? = nil
        file.buffer.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var scanner = JSONScanner(base: base, count: buffer.count)
            if buffer.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { scanner.pos = 3 }
            guard let first = scanner.peekNonWhitespace(), first == 0x7B || first == 0x5B else {
                let shown = scanner.pos < buffer.count ? scanner.describe(base[scanner.pos]) : "nothing"
                file.fileError = Gunzip.isGzip(file.buffer) ? "corrupt input" : "not gzip and not JSON (starts with \(shown))"
                return
            }
            var normalizer = RecordNormalizer()
            var index = 0
            while let c = scanner.peekNonWhitespace() {
                let valueStart = scanner.pos
                do {
                    if c == 0x5B {
                        try scanner.forEachElement { s, _ in
                            try normalizer.normalize(&s, index: index, into: &file)
                            index += 1
                        }
                    } else if c == 0x7B {
                        let shape = try classify(scanner)
                        switch shape {
                        case .records:
                            try readRecordsContainer(&scanner, &normalizer, &index, &file)
                        case .lookupEvents:
                            embedded = try readLookupEvents(&scanner)
                            return
                        case .envelope(let detail):
                            _ = try scanner.skipValue()
                            var inner = JSONScanner(base: base, count: buffer.count, pos: detail)
                            try normalizer.normalize(&inner, index: index, into: &file)
                            index += 1
                        case .record:
                            try normalizer.normalize(&scanner, index: index, into: &file)
                            index += 1
                        case .digest:
                            _ = try scanner.skipValue()
                            file.fileError = "this is a CloudTrail digest document, not a log file of events (digests belong under CloudTrail-Digest/)"
                            return
                        case .other(let reason):
                            _ = try scanner.skipValue()
                            file.rejects.append(RejectedRecord(index: index, offset: valueStart, reason: reason,
                                                               raw: FieldValue(offset: Int32(valueStart), length: Int32(scanner.pos - valueStart), kind: .text)))
                            index += 1
                        }
                    } else {
                        throw scanner.fail("expected a JSON object or array, found \(scanner.describe(c))")
                    }
                } catch let error as JSONSyntaxError {
                    // A top-level line can be skipped; a broken container cannot.
                    let isLine = c == 0x7B && (try? classify(JSONScanner(base: base, count: buffer.count, pos: valueStart))).map { shape -> Bool in
                        if case .records = shape { return false }
                        return true
                    } ?? true
                    let lineEnd = nextLine(base, buffer.count, from: valueStart)
                    if isLine && isNewlineDelimited(base, buffer.count, valueStart) {
                        file.rejects.append(RejectedRecord(index: index, offset: error.offset, reason: "invalid JSON: \(error.reason)",
                                                           raw: FieldValue(offset: Int32(valueStart), length: Int32(lineEnd - valueStart), kind: .text)))
                        index += 1
                        scanner.pos = lineEnd
                        continue
                    }
                    file.fileError = "invalid JSON at byte \(error.offset) (record \(index)): \(error.reason)"
                    return
                } catch {
                    file.fileError = "\(error)"
                    return
                }
            }
        }
        if let embedded {
            file.buffer = embedded
            if embedded.isEmpty { return }
            decodeRecords(&file)
        }
    }

    /// Reads `{"Records":[…], …}`: the array is streamed record by record; other members skipped.
    private static func readRecordsContainer(_ scanner: inout JSONScanner, _ normalizer: inout RecordNormalizer,
                                             _ index: inout Int, _ file: inout ParsedFile) throws {
        try scanner.forEachMember { s, key in
            guard s.keyEquals(key, "records") else { _ = try s.skipValue(); return }
            guard s.pos < s.count, s.base[s.pos] == 0x5B else {
                let start = s.pos
                let kind = try s.skipValue()
                throw JSONSyntaxError(offset: start, reason: "\"Records\" is \(kind == .null ? "null" : "a JSON \(kind)"), not an array")
            }
            try s.forEachElement { s, _ in
                try normalizer.normalize(&s, index: index, into: &file)
                index += 1
            }
        }
    }

    /// Collects every `Events[].CloudTrailEvent` string as one NDJSON buffer.
    private static func readLookupEvents(_ scanner: inout JSONScanner) throws -> [UInt8] {
        var out: [UInt8] = []
        try scanner.forEachMember { s, key in
            guard s.keyEquals(key, "events"), s.pos < s.count, s.base[s.pos] == 0x5B else { _ = try s.skipValue(); return }
            try s.forEachElement { s, _ in
                guard s.pos < s.count, s.base[s.pos] == 0x7B else { _ = try s.skipValue(); return }
                try s.forEachMember { s, key in
                    if s.keyEquals(key, "cloudtrailevent"), s.pos < s.count, s.base[s.pos] == 0x22 {
                        let token = try s.scanString()
                        s.decode(token, into: &out)
                        out.append(0x0A)
                    } else {
                        _ = try s.skipValue()
                    }
                }
            }
        }
        return out
    }

    enum Shape {
        case records, lookupEvents, record, digest
        case envelope(detail: Int)
        case other(String)
    }

    /// Decides what a top-level object is by its member names, without consuming it.
    static func classify(_ start: JSONScanner) throws -> Shape {
        var s = start
        var sawRecords = false, sawEvents = false, sawRecordKey = false, sawDigest = false
        var detail: Int? = nil
        var detailType = false
        do {
            try s.forEachMember { s, key in
                if s.keyEquals(key, "records") { sawRecords = true }
                else if s.keyEquals(key, "events") { sawEvents = true }
                else if s.keyEquals(key, "eventid") || s.keyEquals(key, "eventtime") || s.keyEquals(key, "eventversion") || s.keyEquals(key, "eventname") { sawRecordKey = true }
                else if s.keyEquals(key, "digeststarttime") || s.keyEquals(key, "logfiles") || s.keyEquals(key, "digests3object") { sawDigest = true }
                else if s.keyEquals(key, "detail-type") { detailType = true }
                else if s.keyEquals(key, "detail") && s.pos < s.count && s.base[s.pos] == 0x7B { detail = s.pos }
                // The first telling key decides; there is no need to scan a whole log file twice.
                if sawRecords { throw Decided(shape: .records) }
                if sawRecordKey { throw Decided(shape: .record) }
                _ = try s.skipValue()
            }
        } catch let decided as Decided {
            return decided.shape
        }
        if let detail, detailType { return .envelope(detail: detail) }
        if sawEvents { return .lookupEvents }
        if sawDigest { return .digest }
        return .other("JSON object is not a CloudTrail record, log file or EventBridge event")
    }

    private struct Decided: Error { let shape: Shape }

    private static func nextLine(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        var i = from
        while i < count && base[i] != 0x0A { i += 1 }
        return min(i + 1, count)
    }

    /// True when the value at `start` begins a line (NDJSON), not the middle of a document.
    private static func isNewlineDelimited(_ base: UnsafePointer<UInt8>, _ count: Int, _ start: Int) -> Bool {
        var i = start
        while i < count && base[i] != 0x0A { i += 1 }
        return i < count || start > 0
    }

    // MARK: digests

    static func decodeDigest(_ file: inout ParsedFile) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(file.buffer))) as? [String: Any] else {
            file.fileError = "digest file is not a JSON object"
            return
        }
        let logFiles = (object["logFiles"] as? [Any])?.count ?? 0
        file.digest = DigestDocument(
            accountID: object["awsAccountId"] as? String,
            startTime: object["digestStartTime"] as? String,
            endTime: object["digestEndTime"] as? String,
            s3Bucket: object["digestS3Bucket"] as? String,
            s3Object: object["digestS3Object"] as? String,
            previousS3Object: object["previousDigestS3Object"] as? String,
            logFileCount: logFiles,
            raw: String(decoding: file.buffer, as: UTF8.self))
    }
}
