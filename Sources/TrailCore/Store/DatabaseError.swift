import CSQLite

/// An SQLite failure, carrying SQLite's own message and the statement that failed.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// Primary result code, without the extended bits (SQLITE_BUSY_SNAPSHOT → SQLITE_BUSY).
    public var primaryCode: Int32 { code & 0xff }

    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY }
    public var isFull: Bool { primaryCode == SQLITE_FULL }
    public var isCorrupt: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

    public var description: String {
        var text = message
        switch primaryCode {
        case SQLITE_FULL: text = "disk is full (\(message))"
        case SQLITE_READONLY: text = "database is read-only (\(message))"
        case SQLITE_NOTADB, SQLITE_CORRUPT: text = "database file is corrupt or not a trail database (\(message))"
        case SQLITE_CANTOPEN: text = "cannot open database file (\(message))"
        case SQLITE_IOERR: text = "disk I/O error: is the disk full or the file size limited? (\(message))"
        default: break
        }
        return text
    }
}
