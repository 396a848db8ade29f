import Foundation

/// Opening a trail database: where it lives, connection settings, and the schema.
public enum TrailDatabase {
    /// `--db FILE`, else `$TRAIL_DB`, else `./trail.db`.
    public static func resolvePath(_ explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = ProcessInfo.processInfo.environment["TRAIL_DB"], !env.isEmpty { return env }
        return "trail.db"
    }

    public struct MissingDatabase: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "no trail database at \(path) (run `trail ingest` first, or pass --db)" }
    }

    /// Opens for writing, creating and migrating as needed, in WAL mode.
    public static func openForWriting(_ path: String) throws -> Database {
        let db = try Database(path: path, mode: .readWrite)
        // Before any setting that writes to the file: a database of another program, or of
        // another format, is refused untouched.
        _ = try Schema.check(db)
        // WAL lets readers query while an ingest writes; NORMAL sync is crash-safe in WAL
        // (a killed process loses nothing committed; only power loss can drop the last commits).
        // Another process may hold the database in its first-load (rollback journal) mode;
        // then this connection works in that mode until the next open.
        do { _ = try db.scalarText("PRAGMA journal_mode = WAL") } catch let error as DatabaseError where error.isBusy {}
        // Sorts for index builds spill to temporary files rather than growing the heap.
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE; PRAGMA cache_size = -65536")
        // Index builds sort with helper threads.
        try db.execute("PRAGMA threads = \(max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)))")
        try Schema.prepare(db)
        return db
    }

    /// Settings for loading an empty database: a rollback journal instead of WAL (new pages are
    /// then written once, not to the WAL and again at checkpoint) and no fsync. A killed process
    /// still leaves a consistent database: the journal rolls back the unfinished transaction on
    /// the next open; only an operating-system crash during the first load could damage it.
    /// Best effort: if another connection holds the database, the load simply stays in WAL.
    public static func enterBulkLoad(_ db: Database) throws -> Bool {
        let mode: String?
        do { mode = try db.scalarText("PRAGMA journal_mode = TRUNCATE") } catch let error as DatabaseError where error.isBusy { return false }
        guard mode?.lowercased() == "truncate" else { return false }
        try db.execute("PRAGMA synchronous = OFF")
        return true
    }

    public static func leaveBulkLoad(_ db: Database) throws {
        try db.execute("PRAGMA synchronous = NORMAL")
        do { _ = try db.scalarText("PRAGMA journal_mode = WAL") } catch let error as DatabaseError where error.isBusy {}
    }

    /// How to open `path` for reading. Reading a WAL-mode database (trail's) takes its `-shm`
    /// index, which SQLite creates, or writes, beside the file: in a folder trail cannot write
    /// (evidence on read-only media, a write-protected copy) that fails every read with
    /// "attempt to write a readonly database". There, when no other connection has the database
    /// open (no `-shm`) and no log holds changes not yet in the file (no `-wal` or hot journal
    /// with content), nothing can change the file while trail reads it, and it is opened
    /// immutable: no index, no locks. An existing `-shm` is used read-only, as SQLite allows.
    /// In a writable folder SQLite makes its index itself, even for a file trail may not write,
    /// and sees another process's writes, so the ordinary read-only open is kept there.
    static func readingMode(_ path: String) throws -> Database.Mode {
        let folder = (path as NSString).deletingLastPathComponent
        if access(folder.isEmpty ? "." : folder, W_OK) == 0 || FileManager.default.fileExists(atPath: path + "-shm") { return .readOnly }
        for log in [path + "-wal", path + "-journal"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? NSNumber)?.int64Value ?? 0
            if size > 0 { throw UnreadableLog(path: path, log: log) }
        }
        return .immutable
    }

    /// A read-only database whose log holds changes not yet in the file, with no `-shm` index
    /// to read the log through: reading the file alone would silently miss them.
    public struct UnreadableLog: TrailFailure {
        public let path: String
        public let log: String
        public var exitStatus: ExitStatus { .databaseError }
        public var description: String {
            "\(path): cannot be read where it is: \(log) holds changes not yet in the database, and the folder is read-only, so SQLite cannot build the -shm index to read them (copy the database with its -wal to a writable folder)"
        }
    }

    /// Opens an existing database for reading only.
    public static func openForReading(_ path: String) throws -> Database {
        guard FileManager.default.fileExists(atPath: path) else { throw MissingDatabase(path: path) }
        let db = try Database(path: path, mode: try readingMode(path))
        // SQLite's default 2 MB page cache, not a larger one: a query process reads each page
        // about once, and every page of a bigger cache is fresh memory the kernel must fault
        // in, which at 1M events cost 10-25 % of the heavy queries (the kernel's own file
        // cache serves the re-reads).
        try db.execute("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY")
        if try Schema.check(db) == .empty { throw MissingDatabase(path: path) }
        return db
    }
}
