import CSQLite
import CZlib

/// The records themselves, kept as the input's own compressed bytes.
///
/// Each input file's gzip stream is stored once in `blobs` (a plain JSON input is compressed
/// first), and each event row says where its record lies in the inflated stream
/// (`blob_id`, `record_offset`, `record_length`). So every record comes back byte for byte
/// (`trail show`) at about the cost of the gzip input, and the wide members that the
/// queries rarely read (`requestParameters`, `responseElements`, `userIdentity`, …) are not
/// copied into the event rows: the `events` view reads them from the record (`trail_field`).
public enum RecordArchive {
    /// Compresses `bytes` as one gzip member.
    static func gzip(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var stream = z_stream()
        guard czlib_deflate_init2(&stream, Z_DEFAULT_COMPRESSION, 15 + 16) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced: Int? = output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress)
            stream.avail_in = UInt32(bytes.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return nil }
            return out.count - Int(stream.avail_out)
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return output
    }

    /// The inflated stream of a stored blob, or its first `prefix` bytes. A break after the
    /// bytes asked for does not matter (a broken input keeps the records before its break, and
    /// those are the only ones that point into it).
    static func inflate(_ input: [UInt8], prefix: Int? = nil) throws -> [UInt8] {
        let inflated = Gunzip.inflate(input, prefix: prefix)
        if let prefix, inflated.bytes.count < prefix {
            throw ArchiveError("the stored input ends or breaks before the record: \(inflated.error?.description ?? "it is shorter")")
        }
        return inflated.bytes
    }

    struct ArchiveError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The byte range of the member at `path` (lowercase names, outermost first) in `record`,
    /// matched as `RecordNormalizer` matches keys: case-insensitively, the last occurrence
    /// winning. nil when absent, when JSON `null`, or when a step is not an object.
    static func member(_ record: UnsafeBufferPointer<UInt8>, path: [[UInt8]]) -> Range<Int>? {
        guard let base = record.baseAddress else { return nil }
        var scanner = JSONScanner(base: base, count: record.count)
        var range: Range<Int>? = nil
        do {
            scanner.skipWhitespace()
            for (depth, name) in path.enumerated() {
                guard scanner.pos < scanner.count, base[scanner.pos] == 0x7B else { return nil }
                var found: Range<Int>? = nil
                try scanner.forEachMember { s, key in
                    let start = s.pos
                    let kind = try s.skipValue()
                    if keyMatches(s, key, name) { found = kind == .null ? nil : start..<s.pos }
                }
                guard let found else { return nil }
                range = found
                if depth + 1 < path.count { scanner = JSONScanner(base: base, count: found.upperBound, pos: found.lowerBound) }
            }
        } catch {
            return nil
        }
        return range
    }

    private static func keyMatches(_ s: JSONScanner, _ key: StringToken, _ lowercase: [UInt8]) -> Bool {
        var decoded: [UInt8] = []
        if key.hasEscapes {
            s.decode(key, into: &decoded)
        } else {
            guard key.count == lowercase.count else { return false }
            decoded = Array(UnsafeBufferPointer(start: s.base + key.start, count: key.count))
        }
        guard decoded.count == lowercase.count else { return false }
        for (b, l) in zip(decoded, lowercase) where (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != l { return false }
        return true
    }
}

/// Reads records back for one connection: `trail_record(blob_id, offset, length)` and
/// `trail_field(blob_id, offset, length, path)`. Queries read a file's events together, so the
/// last few inflated inputs are kept (bounded in bytes), and the last record's text with them:
/// the `events` view asks for several members of the same record in turn.
final class RecordReader {
    private let db: OpaquePointer
    private var inflated: [(blob: Int64, bytes: [UInt8])] = []
    private var inflatedBytes = 0
    private static let cacheBytes = 64 << 20
    private var paths: [String: [[UInt8]]] = [:]

    init(_ db: OpaquePointer) { self.db = db }

    /// The SQL functions' body: the record (`argc` 3) or one member of it (4), decoded as a
    /// scalar column is when `decode`.
    static func call(_ context: OpaquePointer?, _ argc: Int32, _ argv: UnsafeMutablePointer<OpaquePointer?>?, decode: Bool) {
        guard let context, let argv, let user = sqlite3_user_data(context) else { return }
        let reader = Unmanaged<RecordReader>.fromOpaque(user).takeUnretainedValue()
        guard let a0 = argv[0], let a1 = argv[1], let a2 = argv[2],
              sqlite3_value_type(a0) != SQLITE_NULL, sqlite3_value_type(a1) != SQLITE_NULL, sqlite3_value_type(a2) != SQLITE_NULL else {
            sqlite3_result_null(context)
            return
        }
        var path: [[UInt8]]? = nil
        if argc == 4 {
            guard let a3 = argv[3], let text = sqlite3_value_text(a3) else {
                sqlite3_result_null(context)
                return
            }
            path = reader.path(String(cString: text))
        }
        func result(_ bytes: UnsafeBufferPointer<UInt8>) {
            sqlite3_result_text(context, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                Int32(bytes.count), csqlite_transient())
        }
        do {
            try reader.withRecord(blob: sqlite3_value_int64(a0), offset: Int(sqlite3_value_int64(a1)), length: Int(sqlite3_value_int64(a2))) { record in
                guard let path else { return result(record) }
                guard let found = RecordArchive.member(record, path: path) else { return sqlite3_result_null(context) }
                let value = UnsafeBufferPointer(rebasing: record[found])
                guard decode, let first = value.first, first == 0x22, let base = record.baseAddress else { return result(value) }
                var scanner = JSONScanner(base: base, count: found.upperBound, pos: found.lowerBound)
                guard let token = try? scanner.scanString() else { return result(value) }
                var decoded: [UInt8] = []
                scanner.decode(token, into: &decoded)
                decoded.withUnsafeBufferPointer { result($0) }
            }
        } catch {
            sqlite3_result_error(context, "\(error)", -1)
        }
    }

    /// The record's bytes, handed to `body` without a copy.
    func withRecord<T>(blob: Int64, offset: Int, length: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        guard offset >= 0, length >= 0 else { throw RecordArchive.ArchiveError("record \(offset)+\(length) of blob \(blob) is not a place in it") }
        if let index = inflated.firstIndex(where: { $0.blob == blob }), offset + length <= inflated[index].bytes.count {
            let entry = inflated[index]
            if index != inflated.count - 1 { inflated.append(inflated.remove(at: index)) }
            return try entry.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<offset + length])) }
        }
        let compressed = try read(blob)
        // Inflated only as far as the record: a query that reads one record per input (the
        // change audits) pays half an inflate each. What was inflated is kept for the next
        // record of the same input; one further along inflates it again, whole.
        let again = inflated.contains { $0.blob == blob }
        let bytes = try RecordArchive.inflate(compressed, prefix: again ? nil : offset + length)
        guard offset + length <= bytes.count else {
            throw RecordArchive.ArchiveError("record \(offset)+\(length) lies past the end of blob \(blob) (\(bytes.count) bytes)")
        }
        if bytes.count <= Self.cacheBytes / 4 {
            if let stale = inflated.firstIndex(where: { $0.blob == blob }) { inflatedBytes -= inflated.remove(at: stale).bytes.count }
            inflated.append((blob, bytes))
            inflatedBytes += bytes.count
            while inflatedBytes > Self.cacheBytes, inflated.count > 1 { inflatedBytes -= inflated.removeFirst().bytes.count }
        }
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<offset + length])) }
    }

    func path(_ text: String) -> [[UInt8]] {
        if let known = paths[text] { return known }
        let parsed = text.lowercased().split(separator: ".").map { Array($0.utf8) }
        if paths.count < 64 { paths[text] = parsed }
        return parsed
    }

    private func read(_ blob: Int64) throws -> [UInt8] {
        var handle: OpaquePointer?
        let rc = sqlite3_blob_open(db, "main", "blobs", "gzip", blob, 0, &handle)
        guard rc == SQLITE_OK, let handle else {
            if let handle { sqlite3_blob_close(handle) }
            throw RecordArchive.ArchiveError("stored input \(blob) cannot be read: \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_blob_close(handle) }
        let size = Int(sqlite3_blob_bytes(handle))
        var bytes = [UInt8](repeating: 0, count: size)
        let read = bytes.withUnsafeMutableBytes { sqlite3_blob_read(handle, $0.baseAddress, Int32(size), 0) }
        guard read == SQLITE_OK else { throw RecordArchive.ArchiveError("stored input \(blob) cannot be read: \(String(cString: sqlite3_errmsg(db)))") }
        return bytes
    }
}
