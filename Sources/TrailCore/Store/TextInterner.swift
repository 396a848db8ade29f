import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stores each distinct value of the repetitive columns (`userIdentity`, `userAgent`) once, in
/// `interned_text`, and hands out its id for `event_rows`.
///
/// Every event of a role session carries the same `userIdentity` object (~550 bytes), so at 1M
/// events these columns shrink from ~800 MB to a few MB. Lookups go through a bounded two-
/// generation cache, then the hash index; the bytes are always compared, so a hash collision
/// costs a lookup, never a wrong value. Rows are only ever added, and two processes adding the
/// same text at once merely store it twice.
final class TextInterner {
    private struct Entry {
        let id: Int64
        let bytes: [UInt8]
    }

    private var current: [UInt64: Entry] = [:]
    private var previous: [UInt64: Entry] = [:]
    private var currentBytes = 0
    /// Bytes of text held per generation: at most twice this stays resident.
    private let budget: Int
    private let lookup: Statement
    private let insert: Statement

    init(_ db: Database, budget: Int = 8 << 20) throws {
        self.budget = budget
        lookup = try db.prepare("SELECT id, value FROM interned_text WHERE hash = ?")
        insert = try db.prepare("INSERT INTO interned_text(hash, value) VALUES (?, ?)")
    }

    /// The id of `bytes` (UTF-8 text), adding it when it is new. Must run inside the writer's transaction.
    /// `added` runs once for a text stored here for the first time, with its new id.
    func id(_ bytes: UnsafeBufferPointer<UInt8>, added: ((Int64) throws -> Void)? = nil) throws -> Int64 {
        let raw = UnsafeRawBufferPointer(bytes)
        let hash = ByteHash.murmur64(raw)
        if let entry = current[hash], Self.equal(entry.bytes, raw) { return entry.id }
        if let entry = previous[hash], Self.equal(entry.bytes, raw) {
            remember(hash, entry)
            return entry.id
        }
        let key = Int64(bitPattern: hash)
        lookup.bindInt(1, key)
        defer { lookup.reset() }
        var found: Int64?
        while try lookup.step() {
            if let pointer = sqlite3_column_blob(lookup.handle, 1) {
                let length = Int(sqlite3_column_bytes(lookup.handle, 1))
                if length == raw.count, memcmp(pointer, raw.baseAddress ?? pointer, length) == 0 {
                    found = lookup.int64(0)
                    break
                }
            } else if raw.isEmpty {
                found = lookup.int64(0)
                break
            }
        }
        let id: Int64
        if let found {
            id = found
        } else {
            insert.bindInt(1, key)
            if let base = bytes.baseAddress {
                insert.bindTextNoCopy(2, base, bytes.count)
            } else {
                insert.bindText(2, "")
            }
            try insert.step()
            insert.reset()
            id = insert.database.lastInsertRowID
            try added?(id)
        }
        remember(hash, Entry(id: id, bytes: Array(bytes)))
        return id
    }

    /// Forgets every id: after a rollback, the ones handed out in that transaction no longer exist.
    func discard() {
        current.removeAll()
        previous.removeAll()
        currentBytes = 0
    }

    private func remember(_ hash: UInt64, _ entry: Entry) {
        if currentBytes + entry.bytes.count > budget {
            previous = current
            current = [:]
            current.reserveCapacity(previous.count)
            currentBytes = 0
        }
        current[hash] = entry
        currentBytes += entry.bytes.count + 64
    }

    private static func equal(_ stored: [UInt8], _ raw: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == raw.count else { return false }
        return stored.withUnsafeBytes { s in
            guard let a = s.baseAddress, let b = raw.baseAddress else { return true }
            return memcmp(a, b, raw.count) == 0
        }
    }
}
