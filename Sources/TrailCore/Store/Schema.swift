/// The database format: one definition, created whole on a new database.
///
/// Format 1 is the first released format. A database is recognised by `PRAGMA application_id`
/// (`trail`'s own number) and its format by `PRAGMA user_version`. A file written by the
/// unreleased trail that came before format 1, a newer format, or an SQLite file of another
/// program is refused with a one-line reason, never modified.
public enum Schema {
    public static let formatVersion = 1
    /// "trai" in ASCII.
    static let applicationID: Int64 = 0x7472_6169

    static func eventsTableSQL(_ table: String, storedOnly: Bool) -> String {
        var columns = ["id INTEGER PRIMARY KEY"]
        for column in EventColumn.allCases where column.isStored || !storedOnly {
            let name = storedOnly ? column.storageName : column.name
            switch column {
            case .eventID: columns.append(storedOnly ? "event_id TEXT NOT NULL" : "event_id TEXT NOT NULL UNIQUE")
            case .eventTime: columns.append("event_time TEXT NOT NULL")
            case .sessionID: columns.append("session_id INTEGER")
            case _ where column.isBoolean || (storedOnly && column.isInterned): columns.append("\(name) INTEGER")
            default: columns.append("\(name) TEXT")
            }
        }
        columns.append("event_ts INTEGER NOT NULL")
        columns.append("session_creation_ts INTEGER")
        columns.append("file_id INTEGER NOT NULL")
        columns.append("record_index INTEGER NOT NULL")
        columns.append("blob_id INTEGER NOT NULL")        // blobs.id: the input the record came in
        columns.append("record_offset INTEGER NOT NULL")  // where the record starts in that input, inflated
        columns.append("record_length INTEGER NOT NULL")
        if storedOnly { columns.append("id_hash INTEGER NOT NULL") }  // trail_hash(event_id)
        return "CREATE TABLE \(table) (\n  " + columns.joined(separator: ",\n  ") + "\n);"
    }

    /// Finds an event already stored: a record seen again (organisation-trail copies,
    /// re-delivery) has the same time and eventID. Kept during every load, first or not; its
    /// keys arrive nearly in time order, so it grows at its end. With the account and region,
    /// per-hour coverage is read from it alone.
    static let dedupeIndexSQL =
        "CREATE INDEX IF NOT EXISTS events_time ON event_rows(event_ts, id_hash, recipient_account_id, identity_account_id, aws_region)"

    /// Secondary indexes. Dropped before a first bulk load and built once after it. Each one
    /// costs a pass over the table on a first load and a B-tree insert per event after, so only
    /// what the attribution, the investigation commands and the reports look up is indexed
    /// (cross-account copies, for instance, are found through events_shared).
    public static let eventIndexes: [(name: String, sql: String)] = [
        // An event by its id: `id_hash = trail_hash(:id) AND event_id = :id`.
        ("events_id", "CREATE INDEX IF NOT EXISTS events_id ON event_rows(id_hash)"),
        // A session's events in time order, with what the window aggregates group and count
        // by (account, region, service, event, error, key, address): top talkers, cross-account use
        // and key hygiene read this index alone instead of each event's row.
        ("events_activity", "CREATE INDEX IF NOT EXISTS events_activity ON event_rows(session_id, event_ts, recipient_account_id, identity_account_id, aws_region, event_source, event_name, error_code, access_key_id, source_ip_address)"),
        ("events_name", "CREATE INDEX IF NOT EXISTS events_name ON event_rows(event_name, event_ts)"),
        // With the time and session, "when was this address first seen, and by whom" is read
        // from the index alone.
        ("events_ip", "CREATE INDEX IF NOT EXISTS events_ip ON event_rows(source_ip_address, event_ts, session_id)"),
        ("events_key", "CREATE INDEX IF NOT EXISTS events_key ON event_rows(access_key_id) WHERE access_key_id IS NOT NULL"),
        // The event name, session, account, region and service ride along, so "failed
        // AssumeRole calls" and "access denied by identity" are answered from the index alone.
        ("events_error", "CREATE INDEX IF NOT EXISTS events_error ON event_rows(\(errorIndexColumns)) WHERE error_code IS NOT NULL"),
        // Writes only (about a fifth of the events), by service: "IAM changes" and other
        // change audits find their rows here instead of walking every event.
        ("events_writes", "CREATE INDEX IF NOT EXISTS events_writes ON event_rows(event_source, event_ts) WHERE read_only IS NOT 1"),
        ("events_shared", "CREATE INDEX IF NOT EXISTS events_shared ON event_rows(shared_event_id) WHERE shared_event_id IS NOT NULL"),
        // An event's resources in order, read from the index alone: it carries the event's row
        // id. `resources_event` serves SQL written against the text id. The events naming an
        // ARN are found in `resource_events`, keyed by ARN.
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

    /// The identity calls, whose request and response members `event_rows` keeps
    /// (`EventColumn.Storage.rowForIdentityCalls`): the calls that issue credentials or sign in,
    /// which the attribution reads on every run, and every IAM call that is not read-only (an
    /// empty list of names: all of them), which `iam-changes` lists. Each is read often, and
    /// from a different input, and they are few beside the data events.
    static let identityCalls: [(source: String, names: [String])] = [
        ("sts.amazonaws.com", ["AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetSessionToken", "GetFederationToken", "AssumeRoot"]),
        ("signin.amazonaws.com", ["ConsoleLogin", "SwitchRole"]),
        ("sso.amazonaws.com", ["GetRoleCredentials", "Federate"]),
        ("iam.amazonaws.com", []),
    ]

    /// `Schema.identityCalls` as an SQL condition on an `event_rows` row, the same rule as
    /// `EventWriter.isIdentityCall`.
    static func identityCallSQL(_ row: String) -> String {
        "(" + identityCalls.map { call in
            call.names.isEmpty
                ? "(\(row).event_source = '\(call.source)' AND \(row).read_only IS NOT 1)"
                : "(\(row).event_source = '\(call.source)' AND \(row).event_name IN (\(call.names.map { "'\($0)'" }.joined(separator: ", "))))"
        }.joined(separator: " OR ") + ")"
    }

    static let identityColumns = EventColumn.allCases.filter(\.isIdentityField)

    static var identitiesTableSQL: String {
        "CREATE TABLE identities (\n  text_id INTEGER PRIMARY KEY,    -- interned_text.id of the userIdentity object's text\n  "
            + identityColumns.map { "\($0.name) TEXT" }.joined(separator: ",\n  ") + "\n);"
    }

    /// The event rows with their identity's fields under the `events` view's names, as one
    /// join: for the attribution, which reads the identity of every event it looks at, where the
    /// view's one lookup per column and row would cost several times as much. Stored columns
    /// keep their names; a filter on `session_id` still uses the row's indexes.
    static var eventsWithIdentitySQL: String {
        let row = EventColumn.allCases.filter { $0.storage == .row || $0.storage == .rowForIdentityCalls }.map { "e.\($0.name)" }
        let identity = identityColumns.filter { $0.storage == .identity }.map { "i.\($0.name)" }
        return "(SELECT e.id, \((row + identity).joined(separator: ", ")), e.event_ts, e.session_creation_ts, e.file_id "
            + "FROM event_rows e LEFT JOIN identities i ON i.text_id = e.user_identity_ref)"
    }

    /// `events` as users and queries see it: `event_rows` with the interned texts looked up
    /// and the verbatim members read from the stored record, under their usual names, in the
    /// original column order. Scalar subqueries and functions rather than joins keep the view
    /// a single-table SELECT, which SQLite flattens into any query (also on the right of a LEFT
    /// JOIN), so a query pays only for the columns it reads.
    static var eventsViewSQL: String {
        var columns = ["id"]
        for column in EventColumn.allCases {
            let read = column.recordPath.map {
                "\(column.isVerbatimJSON ? "trail_field" : "trail_value")(r.blob_id, r.record_offset, r.record_length, '\($0)')"
            } ?? "NULL"
            switch column.storage {
            case .row: columns.append(column.name)
            case .interned: columns.append("(SELECT value FROM interned_text WHERE id = r.\(column.storageName)) AS \(column.name)")
            case .identity: columns.append("(SELECT i.\(column.name) FROM identities i WHERE i.text_id = r.user_identity_ref) AS \(column.name)")
            case .record: columns.append("\(read) AS \(column.name)")
            case .rowForIdentityCalls:
                // An identity call's member is in the row, or absent from the record.
                columns.append("CASE WHEN r.\(column.name) IS NOT NULL THEN r.\(column.name) WHEN \(identityCallSQL("r")) THEN NULL ELSE \(read) END AS \(column.name)")
            }
        }
        columns += ["event_ts", "session_creation_ts", "file_id", "record_index", "blob_id", "record_offset", "record_length", "id_hash"]
        return "CREATE VIEW events AS SELECT " + columns.joined(separator: ",\n  ") + "\nFROM event_rows r;"
    }

    static var sql: String { """
        CREATE TABLE files (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          size INTEGER NOT NULL,
          mtime_ns INTEGER,
          sha256 TEXT NOT NULL,            -- SHA-256 of the bytes as read, hex ('' if unreadable)
          content_sha256 TEXT,             -- SHA-256 of the inflated bytes, hex: a digest file's hashValue (NULL if not inflatable)
          content_size INTEGER,            -- length of the inflated bytes
          kind TEXT NOT NULL,              -- events | digest
          status TEXT NOT NULL,            -- ingested | partial | failed | duplicate
          records INTEGER NOT NULL DEFAULT 0,
          new_events INTEGER NOT NULL DEFAULT 0,
          duplicate_events INTEGER NOT NULL DEFAULT 0,
          rejected INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          duplicate_of INTEGER REFERENCES files(id),
          ingested_at TEXT NOT NULL,
          blob_id INTEGER                  -- blobs.id: the bytes as read (NULL for a duplicate or an unreadable file)
        );
        CREATE INDEX files_content ON files(content_sha256, content_size, status);
        -- Each input's gzip stream (a plain JSON input compressed), once. A file whose content
        -- changes gets a new blob: the events read from the old content still point at theirs.
        CREATE TABLE blobs (
          id INTEGER PRIMARY KEY,
          gzip BLOB NOT NULL
        );
        \(eventsTableSQL("event_rows", storedOnly: true))
        \(dedupeIndexSQL);
        CREATE TABLE interned_text (
          id INTEGER PRIMARY KEY,
          hash INTEGER NOT NULL,           -- trail_hash(value)
          value TEXT NOT NULL
        );
        CREATE INDEX interned_text_hash ON interned_text(hash);
        -- Each distinct userIdentity object (interned_text) flattened once: the identity
        -- columns of the events that carry it.
        \(identitiesTableSQL)
        \(eventsViewSQL)
        CREATE TABLE resources (
          event_id TEXT NOT NULL,
          position INTEGER NOT NULL,
          arn TEXT,
          type TEXT,
          account_id TEXT,
          event_row INTEGER                -- event_rows.id
        );
        \(eventsTableSQL("insight_events", storedOnly: false))
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
          chain_roles TEXT,                         -- the chain as role names (Schema.chainRolesSQL)
          chain_sessions TEXT NOT NULL DEFAULT '[]',
          chain_depth INTEGER NOT NULL DEFAULT 0,
          link_method TEXT,
          confidence TEXT NOT NULL DEFAULT 'none',
          reason TEXT,
          candidates TEXT,
          -- raw_events when the attribution last wrote the row: a session whose raw_events has
          -- moved on since has events the stored counts do not include yet.
          attributed_raw_events INTEGER
        );
        CREATE INDEX sessions_role ON sessions(role_arn);
        CREATE INDEX sessions_role_name ON sessions(role_name);
        CREATE INDEX sessions_origin ON sessions(origin_type, origin_id, origin_detail);
        CREATE INDEX sessions_origin_detail ON sessions(origin_detail);
        CREATE INDEX sessions_parent ON sessions(parent_session_key);
        CREATE INDEX sessions_issuer ON sessions(issuing_event_id);
        CREATE INDEX sessions_arn ON sessions(session_arn);
        -- LIKE is case-insensitive, so only a NOCASE index lets `trail who ProdAdmin` or
        -- `trail session i-0abc…` seek instead of scanning every session.
        CREATE INDEX sessions_role_name_nocase ON sessions(role_name COLLATE NOCASE);
        CREATE INDEX sessions_role_arn_nocase ON sessions(role_arn COLLATE NOCASE);
        CREATE INDEX sessions_session_name_nocase ON sessions(session_name COLLATE NOCASE);
        -- new-or-rare-roles and sessions-without-source-identity read role sessions from this
        -- index alone instead of scanning every session's wide row.
        CREATE INDEX sessions_roles ON sessions(kind, role_arn, first_ts, last_ts, account_id, source_identity,
                                                events, role_name, origin_type, origin_id, origin_detail);
        -- `trail did` and identity-activity match a name against these three columns of every
        -- session (LIKE patterns, so no search): reading them from this index is cheaper than
        -- the sessions' wide rows.
        CREATE INDEX sessions_identity ON sessions(origin_id, origin_detail, session_arn);
        -- cross-account-roles reads these sessions (a tenth of them) instead of every role
        -- session's wide row.
        CREATE INDEX sessions_cross_account ON sessions(origin_account, origin_type, origin_id, account_id, role_arn)
          WHERE kind = 'role' AND origin_account IS NOT NULL AND origin_account <> account_id;
        -- What a row prints of its session (origin and chain), looked up by id in a narrow index
        -- instead of the session's wide row: resource-access reads thousands of them.
        CREATE INDEX sessions_display ON sessions(id, origin_type, origin_id, origin_detail, chain_roles);
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
        \(ActivityRollup.tableSQL)
        \(ActivityRollup.stateTableSQL)
        \(AttributionState.tableSQL)
        \(ActivityRollup.hourlyTableSQL)
        \(ActivityRollup.serviceTableSQL)
        \(ActivityRollup.addressTableSQL)
        \(ActivityRollup.addressTotalsTableSQL)
        \(ErrorEvents.tableSQL)
        \(ResourceEvents.tableSQL)
        \(attributionViewsSQL)
        """
    }

    /// Views over `events` and `sessions` that the queries and reports read.
    static let attributionViewsSQL = """
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
               coalesce(s.chain, '[]') AS chain, s.chain_roles, coalesce(s.chain_depth, 0) AS chain_depth,
               s.mfa, s.mfa_origin, s.mfa_chain,
               s.link_method, coalesce(s.confidence, 'none') AS confidence,
               CASE WHEN e.session_id IS NULL THEN 'the record has no identity to attribute' ELSE s.reason END AS reason,
               e.identity_type, e.identity_arn AS actor_arn, e.access_key_id, e.invoked_by AS via_service,
               e.source_ip_address, e.user_agent, e.error_code, e.error_message, e.read_only, e.event_type,
               e.event_category, e.request_parameters, e.response_elements, e.additional_event_data,
               e.session_id, e.id AS event_rowid, e.id_hash
        FROM events e LEFT JOIN sessions s ON s.id = e.session_id;
        -- One finding row per event, in the shape every compliance report returns: when, where,
        -- what, on which resources, and who: the session, its chain and its origin.
        CREATE VIEW event_findings AS
        SELECT a.event_time AS time, a.event_ts, a.account_id AS account, a.region,
               replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
               a.event_source, a.event_name, a.error_code, a.error_message,
               (SELECT group_concat(arn, ' ') FROM (SELECT r.arn FROM resources r WHERE r.event_row = a.event_rowid ORDER BY r.position)) AS resources,
               a.origin_type, coalesce(a.origin_id, '') AS origin, a.origin_detail,
               coalesce((SELECT group_concat(value, ' > ') FROM json_each(a.chain)), '') AS chain,
               a.session_key AS session, a.confidence, a.source_ip_address AS source_ip, a.user_agent,
               a.identity_type, a.actor_arn, a.access_key_id, a.via_service, a.event_type, a.mfa, a.event_id, a.session_id,
               a.request_parameters, a.response_elements, a.additional_event_data
        FROM event_attribution a;
        """

    public struct NewerFormatError: Error, CustomStringConvertible {
        public let path: String
        public let found: Int
        public var description: String {
            "\(path): database format \(found) is newer than this trail reads (\(Schema.formatVersion)); upgrade trail"
        }
    }

    /// A database the unreleased trail before format 1 wrote: its layout cannot be read.
    public struct OlderFormatError: Error, CustomStringConvertible {
        public let path: String
        public let found: Int
        public var description: String {
            "\(path) was written by an unreleased trail before database format 1 (its schema \(found)); "
                + "ingest the logs again into a new database (move it aside, or pass another --db)"
        }
    }

    public struct ForeignDatabaseError: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "\(path) is an SQLite database of another program (it holds tables, and no trail format mark); trail leaves it untouched"
        }
    }

    enum State { case empty, current }

    /// What `db` holds: nothing yet, or trail's current format. Anything else is an error.
    static func check(_ db: Database) throws -> State {
        let application = try db.scalarInt("PRAGMA application_id") ?? 0
        let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if application == applicationID {
            if version > formatVersion { throw NewerFormatError(path: db.path, found: version) }
            if version == formatVersion { return .current }
        }
        let objects = try db.scalarInt("SELECT count(*) FROM sqlite_master") ?? 0
        if objects == 0 && version == 0 { return .empty }
        let earlier = try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('files', 'sessions')") ?? 0
        if application == 0 && earlier == 2 && version > 0 { throw OlderFormatError(path: db.path, found: version) }
        throw ForeignDatabaseError(path: db.path)
    }

    /// Creates the schema in an empty database, or checks an existing one. Safe to call on every
    /// open, from several processes. `patience`: how long to wait, in seconds, for another
    /// process's write to finish.
    public static func prepare(_ db: Database, patience: Double = 1800) throws {
        if try check(db) == .current { return }
        try db.transaction(patience: patience) {
            // Re-read under the write lock: another process may have created it meanwhile.
            guard try check(db) == .empty else { return }
            try db.execute(sql)
            try db.execute("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(formatVersion)")
        }
    }
}
