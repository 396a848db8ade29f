/// One row of the `files` ledger, as read back to decide what to skip.
public struct LedgerEntry: Sendable {
    public let id: Int64
    public let size: Int64
    public let mtimeNs: Int64?
    /// SHA-256 of the bytes as read.
    public let sha256: String
    public let status: String
    /// The inflated content's key; nil for a file that could not be inflated.
    public let content: ContentKey?
}

/// What the ledger knew when a run started: files by path, and ingested content by its key.
public struct LedgerSnapshot: Sendable {
    public var byPath: [String: LedgerEntry] = [:]
    public var ingestedContent: [ContentKey: Int64] = [:]

    public init() {}

    public static func load(_ db: Database) throws -> LedgerSnapshot {
        var snapshot = LedgerSnapshot()
        let statement = try db.prepare("SELECT id, path, size, mtime_ns, sha256, status, content_sha256, content_size FROM files")
        while try statement.step() {
            let entry = LedgerEntry(id: statement.int64(0), size: statement.int64(2),
                                    mtimeNs: statement.isNull(3) ? nil : statement.int64(3),
                                    sha256: statement.text(4) ?? "", status: statement.text(5) ?? "",
                                    content: statement.isNull(6) || statement.isNull(7) ? nil
                                        : ContentKey(sha256: statement.text(6) ?? "", size: statement.int64(7)))
            snapshot.byPath[statement.text(1) ?? ""] = entry
            if entry.status == FileStatus.ingested.rawValue || entry.status == FileStatus.partial.rawValue,
               let content = entry.content {
                snapshot.ingestedContent[content] = entry.id
            }
        }
        return snapshot
    }
}

/// Ledger statuses.
public enum FileStatus: String, Sendable {
    /// Every record stored.
    case ingested
    /// Readable to the end, but some records were rejected (kept in `rejected_records`).
    case partial
    /// Could not be read to the end: records before the break are stored, the rest is not.
    case failed
    /// Same inflated content (SHA-256 and size) as a file already ingested under another path;
    /// nothing new to read.
    case duplicate
}

/// What makes two files "the same content" for the ledger: the SHA-256 and the length of the
/// inflated bytes (the bytes themselves for plain JSON). The SHA-256 is the `hashValue`
/// CloudTrail's digest files list for each log file. Compared whole, hash and size.
public struct ContentKey: Hashable, Sendable {
    public var sha256: String
    public var size: Int64

    public init(sha256: String, size: Int64) {
        self.sha256 = sha256
        self.size = size
    }
}
