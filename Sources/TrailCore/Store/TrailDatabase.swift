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
        // WAL lets readers query while an ingest writes; NORMAL sync is crash-safe in WAL
        // (a killed process loses nothing committed; only power loss can drop the last commits).
        _ = try db.scalarText("PRAGMA journal_mode = WAL")
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536")
        try Schema.migrate(db)
        return db
    }

    /// Opens an existing database for reading only.
    public static func openForReading(_ path: String) throws -> Database {
        guard FileManager.default.fileExists(atPath: path) else { throw MissingDatabase(path: path) }
        let db = try Database(path: path, mode: .readOnly)
        try db.execute("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536")
        let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if version > Schema.latestVersion { throw Schema.NewerSchemaError(found: version) }
        if version == 0 { throw MissingDatabase(path: path) }
        return db
    }
}
