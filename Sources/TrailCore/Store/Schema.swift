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
            case .sessionID: columns.append("session_id INTEGER")
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

    /// Secondary indexes. Dropped before a first bulk load and built once after it. Each one
    /// costs a pass over the table on a first load and a B-tree insert per event after, so only
    /// what the attribution, the investigation commands and the reports look up is indexed
    /// (cross-account copies, for instance, are found through events_shared).
    public static let eventIndexes: [(name: String, sql: String)] = indexes(on: "event_rows") + resourceIndexes

    static func indexes(on table: String) -> [(name: String, sql: String)] {
        [
            // With the account and region, per-hour coverage is read from the index alone.
            ("events_time", "CREATE INDEX IF NOT EXISTS events_time ON \(table)(event_ts, recipient_account_id, identity_account_id, aws_region)"),
            // A session's events in time order, with what the window aggregates group and count
            // by (account, region, service, event, error, key, address): top talkers, cross-account use
            // and key hygiene read this index alone instead of a kilobyte-wide row per event.
            ("events_activity", "CREATE INDEX IF NOT EXISTS events_activity ON \(table)(session_id, event_ts, recipient_account_id, identity_account_id, aws_region, event_source, event_name, error_code, access_key_id, source_ip_address)"),
            ("events_name", "CREATE INDEX IF NOT EXISTS events_name ON \(table)(event_name, event_ts)"),
            // With the time and session, "when was this address first seen, and by whom" is read
            // from the index alone.
            ("events_ip", "CREATE INDEX IF NOT EXISTS events_ip ON \(table)(source_ip_address, event_ts, session_id)"),
            ("events_key", "CREATE INDEX IF NOT EXISTS events_key ON \(table)(access_key_id) WHERE access_key_id IS NOT NULL"),
            // The event name, session, account, region and service ride along, so "failed
            // AssumeRole calls" and "access denied by identity" are answered from the index alone.
            ("events_error", "CREATE INDEX IF NOT EXISTS events_error ON \(table)(\(errorIndexColumns)) WHERE error_code IS NOT NULL"),
            // Writes only (about a fifth of the events), by service: "IAM changes" and other
            // change audits find their rows here instead of walking every event.
            ("events_writes", "CREATE INDEX IF NOT EXISTS events_writes ON \(table)(event_source, event_ts) WHERE read_only IS NOT 1"),
            ("events_shared", "CREATE INDEX IF NOT EXISTS events_shared ON \(table)(shared_event_id) WHERE shared_event_id IS NOT NULL"),
        ]
    }

    /// An event's resources in order, read from the index alone: it carries the event's row id,
    /// so the event is found by rowid, not by its text id (schema 11). `resources_event` stays
    /// for the SQL users wrote against the text id: without it, each lookup scans every
    /// resource. The events naming an ARN are found in `resource_events`, keyed by ARN (schema
    /// 14 replaced the `resources_arn` index with it).
    static let resourceIndexes: [(name: String, sql: String)] = [
        ("resources_row", "CREATE INDEX IF NOT EXISTS resources_row ON resources(event_row, position, arn)"),
        ("resources_event", "CREATE INDEX IF NOT EXISTS resources_event ON resources(event_id)"),
    ]

    /// The chain as role names, `123456789012:Admin > 444455556666:ProdAdmin`, from its JSON
    /// array of role ARNs (NULL for a direct session). Stored in `sessions.chain_roles`, so
    /// the queries that show chains do not unpack the JSON once per row.
    static func chainRolesSQL(_ json: String) -> String {
        "(SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ') FROM json_each(\(json)))"
    }

    static let errorIndexColumns = "error_code, event_name, event_ts, session_id, recipient_account_id, identity_account_id, aws_region, event_source"

    /// `events` as users and queries see it: `event_rows` with the interned texts looked up
    /// under their usual names, in the original column order. Scalar subqueries rather than
    /// joins keep the view a single-table SELECT, which SQLite flattens into any query (also on
    /// the right of a LEFT JOIN), so a query pays only for the texts it reads.
    static var eventsViewSQL: String {
        var columns = ["id"]
        for column in EventColumn.allCases {
            if column.isInterned {
                columns.append("(SELECT value FROM interned_text WHERE id = r.\(column.storageName)) AS \(column.name)")
            } else {
                columns.append(column.name)
            }
        }
        columns += ["event_ts", "session_creation_ts", "file_id", "record_index"]
        return "CREATE VIEW events AS SELECT " + columns.joined(separator: ",\n  ") + "\nFROM event_rows r;"
    }

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
          event_id TEXT NOT NULL,          -- schema 11 adds event_row, the event's event_rows.id
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
        -- One row per credential session: its key, what its events show (kept up to date by the
        -- writer as events arrive), and what the attribution pass concluded.
        CREATE TABLE sessions (
          id INTEGER PRIMARY KEY,
          session_key TEXT NOT NULL UNIQUE,
          derived INTEGER NOT NULL DEFAULT 0,       -- 1: split off by the attribution pass
          -- Events that carry this session's key, kept up to date by the writer.
          raw_events INTEGER NOT NULL DEFAULT 0,
          raw_errors INTEGER NOT NULL DEFAULT 0,
          raw_first_ts INTEGER,
          raw_last_ts INTEGER,
          first_event_id TEXT,
          -- Events acting under this session after the attribution pass re-pointed resource-owner
          -- copies and split shared keys: what the queries count.
          events INTEGER NOT NULL DEFAULT 0,
          errors INTEGER NOT NULL DEFAULT 0,
          first_ts INTEGER,
          last_ts INTEGER,
          identity_type TEXT,
          principal_id TEXT,
          session_arn TEXT,
          account_id TEXT,
          recipient_account_id TEXT,
          session_issuer_arn TEXT,
          creation_ts INTEGER,
          mfa_observed INTEGER NOT NULL DEFAULT 0,
          ec2_role_delivery TEXT,
          in_scope_of_issued_to TEXT,
          web_id_federated_provider TEXT,
          on_behalf_of_user_id TEXT,
          invoked_by TEXT,
          user_name TEXT,
          identity_provider TEXT,
          credential_id TEXT,
          assumed_root TEXT,
          source_ip_address TEXT,
          -- Attribution output.
          kind TEXT NOT NULL DEFAULT 'unknown',
          role_arn TEXT,
          role_name TEXT,
          session_name TEXT,
          creation_time TEXT,
          first_seen TEXT,
          last_seen TEXT,
          access_keys TEXT NOT NULL DEFAULT '[]',
          source_identity TEXT,
          source_identity_status TEXT NOT NULL DEFAULT 'absent',
          mfa INTEGER NOT NULL DEFAULT 0,
          mfa_origin INTEGER NOT NULL DEFAULT 0,
          mfa_chain INTEGER NOT NULL DEFAULT 0,
          issuing_event_id TEXT,
          parent_session_key TEXT,
          origin_type TEXT NOT NULL DEFAULT 'unknown',
          origin_id TEXT,
          origin_detail TEXT,
          origin_account TEXT,
          chain TEXT NOT NULL DEFAULT '[]',
          chain_sessions TEXT NOT NULL DEFAULT '[]',
          chain_depth INTEGER NOT NULL DEFAULT 0,
          link_method TEXT,
          confidence TEXT NOT NULL DEFAULT 'none',
          reason TEXT,
          candidates TEXT
        );
        CREATE INDEX sessions_role ON sessions(role_arn);
        CREATE INDEX sessions_role_name ON sessions(role_name);
        CREATE INDEX sessions_origin ON sessions(origin_type, origin_id);
        CREATE INDEX sessions_origin_detail ON sessions(origin_detail);
        CREATE INDEX sessions_parent ON sessions(parent_session_key);
        CREATE INDEX sessions_issuer ON sessions(issuing_event_id);
        CREATE INDEX sessions_arn ON sessions(session_arn);
        -- Access keys and source identities seen per session (console and Identity Center rotate keys).
        CREATE TABLE session_access_keys (
          session_id INTEGER NOT NULL,
          access_key_id TEXT NOT NULL,
          PRIMARY KEY (session_id, access_key_id)
        ) WITHOUT ROWID;
        CREATE INDEX session_access_keys_key ON session_access_keys(access_key_id);
        CREATE TABLE session_source_identities (
          session_id INTEGER NOT NULL,
          source_identity TEXT NOT NULL,
          PRIMARY KEY (session_id, source_identity)
        ) WITHOUT ROWID;
        -- Events the attribution re-pointed to another session (resource-owner copies, sessions split by key).
        CREATE TABLE event_links (
          event_rowid INTEGER PRIMARY KEY,
          event_id TEXT NOT NULL,
          original_session_id INTEGER,
          session_id INTEGER,
          method TEXT NOT NULL,
          evidence_event_id TEXT
        );
        \(attributionViewsSQL(version: 1))
        """),
        Migration(version: 2, summary: "repeated texts (userIdentity, userAgent, tlsDetails, …) stored once in interned_text; events becomes a view", sql: """
        DROP VIEW event_findings;
        DROP VIEW event_attribution;
        CREATE TABLE interned_text (
          id INTEGER PRIMARY KEY,
          hash INTEGER NOT NULL,           -- trail_hash(value)
          value TEXT NOT NULL
        );
        CREATE INDEX interned_text_hash ON interned_text(hash);
        INSERT INTO interned_text(hash, value)
          SELECT trail_hash(v), v FROM (\(EventColumn.allCases.filter(\.isInterned).map { "SELECT \($0.name) AS v FROM events WHERE \($0.name) IS NOT NULL" }.joined(separator: " UNION ")));
        ALTER TABLE events RENAME TO event_rows;
        \(EventColumn.allCases.filter(\.isInterned).map { """
        ALTER TABLE event_rows ADD COLUMN \($0.storageName) INTEGER;
        UPDATE event_rows SET \($0.storageName) = (SELECT t.id FROM interned_text t WHERE t.hash = trail_hash(event_rows.\($0.name)) AND t.value = event_rows.\($0.name)) WHERE \($0.name) IS NOT NULL;
        ALTER TABLE event_rows DROP COLUMN \($0.name);
        """ }.joined(separator: "\n"))
        \(eventsViewSQL)
        \(attributionViewsSQL(version: 2))
        """),
        Migration(version: 3, summary: "case-insensitive indexes for role and session-name lookups; sessions remember what the attribution counted; event names in the error index, times in the address index, accounts and regions in the time index", sql: """
        -- LIKE is case-insensitive, so only a NOCASE index lets `trail who ProdAdmin` or
        -- `trail session i-0abc…` seek instead of scanning every session.
        CREATE INDEX sessions_role_name_nocase ON sessions(role_name COLLATE NOCASE);
        CREATE INDEX sessions_role_arn_nocase ON sessions(role_arn COLLATE NOCASE);
        CREATE INDEX sessions_session_name_nocase ON sessions(session_name COLLATE NOCASE);
        -- raw_events when the attribution last wrote the row: a session whose raw_events has
        -- moved on since has events the stored counts do not include yet.
        ALTER TABLE sessions ADD COLUMN attributed_raw_events INTEGER;
        DROP INDEX IF EXISTS events_time;
        CREATE INDEX events_time ON event_rows(event_ts, recipient_account_id, identity_account_id, aws_region);
        DROP INDEX IF EXISTS events_ip;
        CREATE INDEX events_ip ON event_rows(source_ip_address, event_ts);
        DROP INDEX IF EXISTS events_error;
        CREATE INDEX events_error ON event_rows(error_code, event_name, event_ts) WHERE error_code IS NOT NULL;
        """),
        Migration(version: 4, summary: "covering indexes for the window aggregates: a session's events with account, region, service, event name, error, key and address; the session in the address index; the origin detail in the origin index", sql: """
        DROP INDEX IF EXISTS events_session;
        DROP INDEX IF EXISTS events_activity;
        CREATE INDEX events_activity ON event_rows(session_id, event_ts, recipient_account_id, identity_account_id, aws_region, event_source, event_name, error_code, access_key_id, source_ip_address);
        DROP INDEX IF EXISTS events_ip;
        CREATE INDEX events_ip ON event_rows(source_ip_address, event_ts, session_id);
        DROP INDEX IF EXISTS sessions_origin;
        CREATE INDEX sessions_origin ON sessions(origin_type, origin_id, origin_detail);
        """),
        Migration(version: 5, summary: "the error index carries the session, account, region and service of each failed call", sql: """
        DROP INDEX IF EXISTS events_error;
        CREATE INDEX events_error ON event_rows(\(errorIndexColumns)) WHERE error_code IS NOT NULL;
        """),
        Migration(version: 6, summary: "an index of the write events by service and time", sql: """
        CREATE INDEX IF NOT EXISTS events_writes ON event_rows(event_source, event_ts) WHERE read_only IS NOT 1;
        """),
        Migration(version: 7, summary: "the activity roll-up: events summed per session, account, region, access key and source address", sql: """
        \(ActivityRollup.tableSQL)
        \(ActivityRollup.stateTableSQL)
        \(ActivityRollup.version7RebuildSQL)
        """),
        Migration(version: 8, summary: "the hourly roll-up: events per hour, account and region", sql: """
        \(ActivityRollup.hourlyTableSQL)
        \(ActivityRollup.version8RebuildSQL)
        """),
        Migration(version: 9, summary: "a covering index of role sessions for the role checks", sql: """
        -- new-or-rare-roles and sessions-without-source-identity read role sessions from this
        -- index alone instead of scanning every session's wide row.
        CREATE INDEX IF NOT EXISTS sessions_roles ON sessions(kind, role_arn, first_ts, last_ts, account_id, source_identity,
                                                               events, role_name, origin_type, origin_id, origin_detail);
        """),
        Migration(version: 10, summary: "a covering index of the names a session answers to, for did and identity-activity", sql: """
        -- `trail did` and identity-activity match a name against these three columns of every
        -- session (LIKE patterns, so no search): reading them from this index instead of the
        -- sessions' wide rows makes the scan several times cheaper.
        CREATE INDEX IF NOT EXISTS sessions_identity ON sessions(origin_id, origin_detail, session_arn);
        """),
        Migration(version: 11, summary: "resources point at their event's row; sessions keep their chain as role names; an index of the cross-account role sessions", sql: """
        -- An event's resources are found by the event's rowid instead of a second search by its
        -- text id in a million-entry index. (This also built an ARN index, resources_arn, until
        -- schema 14 replaced it with resource_events.)
        ALTER TABLE resources ADD COLUMN event_row INTEGER;
        UPDATE resources SET event_row = (SELECT e.id FROM event_rows e WHERE e.event_id = resources.event_id);
        DROP INDEX IF EXISTS resources_arn;
        \(resourceIndexes.map(\.sql).joined(separator: ";\n"));
        ALTER TABLE sessions ADD COLUMN chain_roles TEXT;
        UPDATE sessions SET chain_roles = \(chainRolesSQL("sessions.chain"));
        -- cross-account-roles reads these sessions (a tenth of them at 1M) instead of every role
        -- session's wide row; ANALYZE lets the planner know how few they are.
        CREATE INDEX IF NOT EXISTS sessions_cross_account ON sessions(origin_account, origin_type, origin_id, account_id, role_arn)
          WHERE kind = 'role' AND origin_account IS NOT NULL AND origin_account <> account_id;
        ANALYZE sessions;
        DROP VIEW event_findings;
        DROP VIEW event_attribution;
        \(attributionViewsSQL(version: 11))
        """),
        Migration(version: 12, summary: "the service roll-up: events per session and service", sql: """
        -- top-talkers counts the services of the origins it keeps from this table instead of their
        -- sessions' events. Built from the events as they are attributed now, like the other
        -- roll-ups (rollup_state covers the three: they are rebuilt together).
        \(ActivityRollup.serviceTableSQL)
        \(ActivityRollup.serviceRebuildSQL)
        """),
        Migration(version: 13, summary: "the failed calls with their attribution spelled out, in time order; the address roll-up, with each session's origin", sql: """
        -- cis-4-1 and access-denied read these narrow rows instead of each failed call's event,
        -- session and resources. Rebuilt with the roll-ups; rollup_state covers it too.
        \(ErrorEvents.tableSQL)
        \(ErrorEvents.rebuildSQL)
        -- new-or-rare-source-ips lists each address's origins from this table, in one pass,
        -- instead of looking up the session of every address and session.
        \(ActivityRollup.addressTableSQL)
        \(ActivityRollup.addressRebuildSQL)
        \(ActivityRollup.addressTotalsTableSQL)
        \(ActivityRollup.addressTotalsRebuildSQL)
        """),
        Migration(version: 14, summary: "the resources each event names, with the event's time, call and error, in ARN order", sql: """
        -- resource-access reads the matches of an ARN glob as neighbouring narrow rows instead of
        -- a random read of each match's event row. Keyed by ARN, it replaces resources_arn.
        \(ResourceEvents.tableSQL)
        \(ResourceEvents.appendSQL)
        DROP INDEX IF EXISTS resources_arn;
        -- What a row prints of its session (origin and chain), looked up by id in a narrow index
        -- instead of the session's kilobyte-wide row: resource-access reads thousands of them.
        CREATE INDEX IF NOT EXISTS sessions_display ON sessions(id, origin_type, origin_id, origin_detail, chain_roles);
        """),
    ]

    /// Views over `events` and `sessions` that the queries and reports read, as schema `version`
    /// defines them: from 11, `event_attribution` carries the session's `chain_roles` and an
    /// event's resources are looked up by its row id.
    static func attributionViewsSQL(version: Int) -> String {
        let chainRoles = version >= 11 ? "s.chain_roles, " : ""
        let resourceMatch = version >= 11 ? "r.event_row = a.event_rowid" : "r.event_id = a.event_id"
        return """
        CREATE VIEW event_attribution AS
        SELECT e.event_id, e.event_time, e.event_ts, e.event_source, e.event_name,
               coalesce(e.recipient_account_id, e.identity_account_id) AS account_id,
               e.aws_region AS region,
               s.session_key, s.role_arn, s.role_name, s.session_name,
               coalesce(s.origin_type, 'unknown') AS origin_type, s.origin_id, s.origin_detail, s.origin_account,
               coalesce(e.source_identity, s.source_identity) AS source_identity,
               CASE WHEN e.source_identity IS NULL THEN coalesce(s.source_identity_status, 'absent')
                    WHEN s.source_identity IS NOT NULL AND s.source_identity <> e.source_identity THEN 'conflict'
                    WHEN s.source_identity_status = 'conflict' THEN 'conflict'
                    ELSE 'observed' END AS source_identity_status,
               coalesce(s.chain, '[]') AS chain, \(chainRoles)coalesce(s.chain_depth, 0) AS chain_depth,
               s.mfa, s.mfa_origin, s.mfa_chain,
               s.link_method, coalesce(s.confidence, 'none') AS confidence,
               CASE WHEN e.session_id IS NULL THEN 'the record has no identity to attribute' ELSE s.reason END AS reason,
               e.identity_type, e.identity_arn AS actor_arn, e.access_key_id, e.invoked_by AS via_service,
               e.source_ip_address, e.user_agent, e.error_code, e.error_message, e.read_only, e.event_type,
               e.event_category, e.request_parameters, e.response_elements, e.additional_event_data,
               e.session_id, e.id AS event_rowid
        FROM events e LEFT JOIN sessions s ON s.id = e.session_id;
        -- One finding row per event, in the shape every compliance report returns: when, where,
        -- what, on which resources, and who: the session, its chain and its origin.
        CREATE VIEW event_findings AS
        SELECT a.event_time AS time, a.event_ts, a.account_id AS account, a.region,
               replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
               a.event_source, a.event_name, a.error_code, a.error_message,
               (SELECT group_concat(arn, ' ') FROM (SELECT r.arn FROM resources r WHERE \(resourceMatch) ORDER BY r.position)) AS resources,
               a.origin_type, coalesce(a.origin_id, '') AS origin, a.origin_detail,
               coalesce((SELECT group_concat(value, ' > ') FROM json_each(a.chain)), '') AS chain,
               a.session_key AS session, a.confidence, a.source_ip_address AS source_ip, a.user_agent,
               a.identity_type, a.actor_arn, a.access_key_id, a.via_service, a.event_type, a.mfa, a.event_id, a.session_id,
               a.request_parameters, a.response_elements, a.additional_event_data
        FROM event_attribution a;
        """
    }

    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    public struct NewerSchemaError: Error, CustomStringConvertible {
        public let found: Int
        public var description: String {
            "database schema version \(found) is newer than this trail understands (\(Schema.latestVersion)); upgrade trail"
        }
    }

    /// Tables the queries read that later migrations added, with the version that added them.
    static let addedTables: [String: Int] = ["activity_rollup": 7, "rollup_state": 7, "hourly_rollup": 8, "service_rollup": 12, "error_events": 13,
                                                 "address_rollup": 13, "address_totals": 13,
                                                 "resource_events": 14, "resource_events_state": 14]

    /// Indexes the queries name (`INDEXED BY`) that later migrations added.
    static let addedIndexes: [String: Int] = ["sessions_display": 14]

    /// Columns the queries read that later migrations added (`resources.event_row`,
    /// `sessions.chain_roles` and `event_attribution.chain_roles`), with that version.
    static let addedColumns: [String: Int] = ["event_row": 11, "chain_roles": 11]

    /// A database an older trail wrote, still without the tables a query reads, because it
    /// could not be upgraded when opened for reading (read-only file, or an ingest holding it).
    public struct OlderSchemaError: Error, CustomStringConvertible {
        public let found: Int
        public let path: String?
        public var description: String {
            "the database was written by an older trail (schema \(found), this trail reads \(Schema.latestVersion)) and could not be "
                + "upgraded for reading; run `trail ingest --db \(path ?? "FILE")` once with write access (no new files needed)"
        }
    }

    /// Brings `db` to the latest schema. Safe to call on every open, from several processes.
    /// `patience`: how long to wait, in seconds, for another process's write to finish.
    public static func migrate(_ db: Database, patience: Double = 1800) throws {
        let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if current > latestVersion { throw NewerSchemaError(found: current) }
        if current == latestVersion { return }
        try db.transaction(patience: patience) {
            // Re-read under the write lock: another process may have migrated meanwhile.
            let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            for migration in migrations where migration.version > version {
                try db.execute(migration.sql)
                if migration.version == 1 {
                    for index in indexes(on: "events") { try db.execute(index.sql) }
                }
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
