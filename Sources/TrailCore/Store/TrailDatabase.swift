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

    /// Opens an existing database for reading only.
    public static func openForReading(_ path: String) throws -> Database {
        guard FileManager.default.fileExists(atPath: path) else { throw MissingDatabase(path: path) }
        let db = try Database(path: path, mode: .readOnly)
        // SQLite's default 2 MB page cache, not a larger one: a query process reads each page
        // about once, and every page of a bigger cache is fresh memory the kernel must fault
        // in, which at 1M events cost 10-25 % of the heavy queries (the kernel's own file
        // cache serves the re-reads).
        try db.execute("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY")
        if try Schema.check(db) == .empty { throw MissingDatabase(path: path) }
        return db
    }
}
