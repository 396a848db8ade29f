/// The database schema and its migrations. `PRAGMA user_version` records the version applied.
///
/// Each migration is applied once, in order, inside one transaction; a database written by a
/// newer trail is refused rather than modified.
public enum Schema {
    public struct Migration: Sendable {
        public let version: Int
        public let summary: String
        public let sql: String
    }

    static func eventsTableSQL(_ table: String) -> String {
        var columns = ["id INTEGER PRIMARY KEY"]
        for column in EventColumn.allCases {
            switch column {
            case .eventID: columns.append("event_id TEXT NOT NULL UNIQUE")
            case .eventTime: columns.append("event_time TEXT NOT NULL")
            case _ where column.isBoolean: columns.append("\(column.name) INTEGER")
            default: columns.append("\(column.name) TEXT")
            }
        }
        columns.append("event_ts INTEGER NOT NULL")
        columns.append("session_creation_ts INTEGER")
        columns.append("file_id INTEGER NOT NULL")
        columns.append("record_index INTEGER NOT NULL")
        return "CREATE TABLE \(table) (\n  " + columns.joined(separator: ",\n  ") + "\n);"
    }

    /// Secondary indexes on events. Dropped before a first bulk load and built after it.
    public static let eventIndexes: [(name: String, sql: String)] = [
        ("events_time", "CREATE INDEX IF NOT EXISTS events_time ON events(event_ts)"),
        ("events_name", "CREATE INDEX IF NOT EXISTS events_name ON events(event_name, event_source)"),
        ("events_principal", "CREATE INDEX IF NOT EXISTS events_principal ON events(principal_id, session_creation_ts)"),
        ("events_key", "CREATE INDEX IF NOT EXISTS events_key ON events(access_key_id)"),
        ("events_arn", "CREATE INDEX IF NOT EXISTS events_arn ON events(identity_arn)"),
        ("events_shared", "CREATE INDEX IF NOT EXISTS events_shared ON events(shared_event_id) WHERE shared_event_id IS NOT NULL"),
        ("events_account", "CREATE INDEX IF NOT EXISTS events_account ON events(recipient_account_id, event_ts)"),
        ("events_ip", "CREATE INDEX IF NOT EXISTS events_ip ON events(source_ip_address)"),
        ("events_error", "CREATE INDEX IF NOT EXISTS events_error ON events(error_code) WHERE error_code IS NOT NULL"),
        ("resources_event", "CREATE INDEX IF NOT EXISTS resources_event ON resources(event_id)"),
        ("resources_arn", "CREATE INDEX IF NOT EXISTS resources_arn ON resources(arn)"),
    ]

    public static let migrations: [Migration] = [
        Migration(version: 1, summary: "events, resources, insight events, file ledger, rejected records, digests", sql: """
        CREATE TABLE files (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          size INTEGER NOT NULL,
          mtime_ns INTEGER,
          content_hash TEXT NOT NULL,
          kind TEXT NOT NULL,              -- events | digest
          status TEXT NOT NULL,            -- ingested | partial | failed | duplicate
          records INTEGER NOT NULL DEFAULT 0,
          new_events INTEGER NOT NULL DEFAULT 0,
          duplicate_events INTEGER NOT NULL DEFAULT 0,
          rejected INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          duplicate_of INTEGER REFERENCES files(id),
          ingested_at TEXT NOT NULL
        );
        CREATE INDEX files_hash ON files(content_hash, status);
        \(eventsTableSQL("events"))
        CREATE TABLE resources (
          event_id TEXT NOT NULL,
          position INTEGER NOT NULL,
          arn TEXT,
          type TEXT,
          account_id TEXT
        );
        \(eventsTableSQL("insight_events"))
        CREATE TABLE rejected_records (
          id INTEGER PRIMARY KEY,
          file_id INTEGER NOT NULL REFERENCES files(id),
          record_index INTEGER,
          byte_offset INTEGER,
          reason TEXT NOT NULL,
          raw TEXT
        );
        CREATE INDEX rejected_file ON rejected_records(file_id);
        CREATE TABLE digests (
          file_id INTEGER PRIMARY KEY REFERENCES files(id),
          account_id TEXT,
          digest_start_time TEXT,
          digest_end_time TEXT,
          s3_bucket TEXT,
          s3_object TEXT,
          previous_s3_object TEXT,
          log_file_count INTEGER,
          raw TEXT
        );
        """),
    ]

    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    public struct NewerSchemaError: Error, CustomStringConvertible {
        public let found: Int
        public var description: String {
            "database schema version \(found) is newer than this trail understands (\(Schema.latestVersion)); upgrade trail"
        }
    }

    /// Brings `db` to the latest schema. Safe to call on every open, from several processes.
    public static func migrate(_ db: Database) throws {
        let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if current > latestVersion { throw NewerSchemaError(found: current) }
        if current == latestVersion { return }
        try db.transaction {
            // Re-read under the write lock: another process may have migrated meanwhile.
            let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            for migration in migrations where migration.version > version {
                try db.execute(migration.sql)
                if migration.version == 1 {
                    for index in eventIndexes { try db.execute(index.sql) }
                }
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
