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
        var file = inflate(raw)
        decodeInflated(&file, expecting: expecting)
        return file
    }

    /// The first half of `decode`: `buffer` holds the inflated bytes (the bytes themselves for
    /// plain JSON), or `fileError` says why there are none. The ingest hashes the buffer between
    /// the halves, to find a duplicate before parsing it.
    public static func inflate(_ raw: [UInt8]) -> ParsedFile {
        var file = ParsedFile()
        if Gunzip.isGzip(raw) {
            let inflated = Gunzip.inflate(raw)
            file.buffer = inflated.bytes
            if let error = inflated.error {
                // The file fails with this error; `decodeInflated` still keeps the records before it.
                file.fileError = error.description
                file.brokenGzip = (error, inflated.endsCleanly)
                return file
            }
        } else {
            guard raw.count <= Gunzip.maximumOutput else {
                file.fileError = "file is larger than the \(Gunzip.maximumOutput >> 20) MiB limit per file"
                return file
            }
            file.buffer = raw
        }
        if file.buffer.isEmpty { file.fileError = raw.isEmpty ? "empty file" : "empty after decompression" }
        return file
    }

    /// The second half of `decode`: parses what `inflate` left in `file`.
    public static func decodeInflated(_ file: inout ParsedFile, expecting: Expectation = .events) {
        if let (error, endsCleanly) = file.brokenGzip {
            file.fileError = nil
            file.brokenGzip = nil
            keepRecordsBefore(error, endsCleanly: endsCleanly, expecting: expecting, &file)
            return
        }
        guard file.fileError == nil else { return }
        if expecting == .digest {
            decodeDigest(&file)
            return
        }
        decodeRecords(&file)
    }

    /// A broken gzip stream still yields the complete records inflated before the break; the
    /// file fails with the gzip error rather than the syntax error the cut causes, and the
    /// line cut by the break is not reported as a broken record.
    private static func keepRecordsBefore(_ error: DecompressionError, endsCleanly: Bool, expecting: Expectation,
                                          _ file: inout ParsedFile) {
        if !file.buffer.isEmpty && expecting == .events { decodeRecords(&file) }
        var message = error.description
        if endsCleanly, let syntax = file.fileError {
            message += "; before it: \(syntax)"
        } else if !endsCleanly {
            let end = file.buffer.count
            file.rejects.removeAll { Int($0.raw.offset) + Int($0.raw.length) >= end }
        }
        file.fileError = message
    }

    // MARK: events

    static func decodeRecords(_ file: inout ParsedFile, firstIndex: Int = 0) {
        var embedded: [UInt8] = []
        var index = firstIndex
        file.buffer.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var scanner = JSONScanner(base: base, count: buffer.count)
            if buffer.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { scanner.pos = 3 }
            guard let first = scanner.peekNonWhitespace(), first == 0x7B || first == 0x5B else {
                let shown = scanner.pos < buffer.count ? scanner.describe(base[scanner.pos]) : "nothing"
                file.fileError = "not gzip and not JSON (starts with \(shown))"
                return
            }
            var normalizer = RecordNormalizer()
            var values = 0
            while let c = scanner.peekNonWhitespace() {
                let valueStart = scanner.pos
                var inContainer = false
                do {
                    if c == 0x5B {
                        inContainer = true
                        try scanner.forEachElement { s, _ in
                            try normalizer.normalize(&s, index: index, into: &file)
                            index += 1
                        }
                    } else if c == 0x7B {
                        switch try classify(scanner) {
                        case .records:
                            inContainer = true
                            try readRecordsContainer(&scanner, &normalizer, &index, &file)
                        case .lookupEvents:
                            inContainer = true
                            try readLookupEvents(&scanner, into: &embedded)
                        case .envelope(let detail):
                            _ = try scanner.skipValue()
                            var inner = JSONScanner(base: base, count: buffer.count, pos: detail)
                            try normalizer.normalize(&inner, index: index, into: &file)
                            index += 1
                        case .record:
                            try normalizer.normalize(&scanner, index: index, into: &file)
                            index += 1
                        case .digest:
                            file.fileError = "this is a CloudTrail digest document, not a log file of events (digests belong under CloudTrail-Digest/)"
                            return
                        case .other(let reason):
                            _ = try scanner.skipValue()
                            file.rejects.append(RejectedRecord(index: index, offset: valueStart, reason: reason,
                                                               raw: FieldValue(offset: Int32(valueStart), length: Int32(scanner.pos - valueStart), kind: .json)))
                            index += 1
                        }
                    } else {
                        // A scalar where a record should be (an NDJSON line holding null, 42, "text").
                        let kind = try scanner.scanScalar()
                        file.rejects.append(RejectedRecord(index: index, offset: valueStart, reason: "record is a JSON \(kind), not an object",
                                                           raw: FieldValue(offset: Int32(valueStart), length: Int32(scanner.pos - valueStart), kind: .json)))
                        index += 1
                    }
                    values += 1
                } catch let error as JSONSyntaxError {
                    // In NDJSON a broken line is skipped. A broken container, or a document spread
                    // over several lines, cannot be resynchronised: the file fails there. A value
                    // is taken for an NDJSON line when values came before it on earlier lines, or
                    // when the next line starts another object.
                    let lineEnd = endOfLine(base, buffer.count, from: valueStart)
                    if !inContainer && (values > 0 || nextLineStartsObject(base, buffer.count, after: lineEnd)) {
                        file.rejects.append(RejectedRecord(index: index, offset: error.offset, reason: "invalid JSON: \(error.reason)",
                                                           raw: FieldValue(offset: Int32(valueStart), length: Int32(lineEnd - valueStart), kind: .json)))
                        index += 1
                        values += 1
                        scanner.pos = min(lineEnd + 1, buffer.count)
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
        if !embedded.isEmpty && file.fileError == nil {
            var inner = ParsedFile()
            inner.buffer = embedded
            decodeRecords(&inner, firstIndex: index)
            file.append(inner)
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

    /// Collects each `Events[]` element as one NDJSON line: its `CloudTrailEvent` string decoded
    /// (`aws cloudtrail lookup-events`), or the element itself when it is the record.
    private static func readLookupEvents(_ scanner: inout JSONScanner, into out: inout [UInt8]) throws {
        try scanner.forEachMember { s, key in
            guard s.keyEquals(key, "events"), s.pos < s.count, s.base[s.pos] == 0x5B else { _ = try s.skipValue(); return }
            try s.forEachElement { s, _ in
                let start = s.pos
                var found = false
                if s.pos < s.count, s.base[s.pos] == 0x7B {
                    try s.forEachMember { s, key in
                        if !found, s.keyEquals(key, "cloudtrailevent"), s.pos < s.count, s.base[s.pos] == 0x22 {
                            let token = try s.scanString()
                            s.decode(token, into: &out)
                            found = true
                        } else {
                            _ = try s.skipValue()
                        }
                    }
                } else {
                    _ = try s.skipValue()
                }
                if !found { out.append(contentsOf: UnsafeBufferPointer(start: s.base + start, count: s.pos - start)) }
                out.append(0x0A)
            }
        }
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

    /// The offset of the newline ending the line that holds `from` (or the end of the buffer).
    private static func endOfLine(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int {
        var i = from
        while i < count && base[i] != 0x0A { i += 1 }
        return i
    }

    private static func nextLineStartsObject(_ base: UnsafePointer<UInt8>, _ count: Int, after lineEnd: Int) -> Bool {
        var i = lineEnd
        while i < count {
            let c = base[i]
            if c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 { return c == 0x7B }
            i += 1
        }
        return false
    }

    // MARK: digests

    static func decodeDigest(_ file: inout ParsedFile) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(file.buffer))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? (error as NSError).localizedDescription
            file.fileError = "digest file is not valid JSON (\(detail))"
            return
        }
        guard let object = parsed as? [String: Any] else {
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
