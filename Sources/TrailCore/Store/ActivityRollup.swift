/// The roll-ups: `activity_rollup`, the events summed per session, account, region, access key
/// and source address, with counts and time span (about 80k rows at 1M events); and
/// `hourly_rollup`, per hour, account and region. The key, address and cross-account checks
/// and `log-coverage` read them instead of a million index entries.
///
/// They are rebuilt whole rather than kept up to date event by event: the attribution pass moves
/// events between sessions, and a rebuild from `event_rows` is exact by construction whatever
/// moved. `rollup_state` records the highest event row they cover; a query trusts them only
/// while that is still the newest row, and counts from the events otherwise (during an
/// ingest, after one that was interrupted, or after `--no-attribution`).
public enum ActivityRollup {
    static let tableSQL = """
        CREATE TABLE IF NOT EXISTS activity_rollup (
          session_id INTEGER NOT NULL,        -- 0 for events with no identity (event_rows.session_id NULL)
          account TEXT,                       -- coalesce(recipient_account_id, identity_account_id)
          region TEXT,
          access_key_id TEXT,
          source_ip_address TEXT,
          events INTEGER NOT NULL,
          errors INTEGER NOT NULL,
          first_ts INTEGER NOT NULL,
          last_ts INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS activity_rollup_session ON activity_rollup(session_id);
        """

    /// Events per hour, account and region (612 rows at 1M): whether an account and region
    /// logged anything in an hour, for `log-coverage`.
    static let hourlyTableSQL = """
        CREATE TABLE IF NOT EXISTS hourly_rollup (
          hour INTEGER NOT NULL,              -- event_ts / 3600 * 3600
          account TEXT,                       -- coalesce(recipient_account_id, identity_account_id)
          region TEXT,
          events INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS hourly_rollup_hour ON hourly_rollup(hour);
        """

    static let stateTableSQL = """
        CREATE TABLE IF NOT EXISTS rollup_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          max_event_rowid INTEGER);           -- max(event_rows.id) when the roll-up was built
        """

    /// What schema 7 ran: the activity roll-up alone (the hourly one came with 8).
    static let version7RebuildSQL = """
        DELETE FROM activity_rollup;
        INSERT INTO activity_rollup(session_id, account, region, access_key_id, source_ip_address, events, errors, first_ts, last_ts)
        SELECT coalesce(session_id, 0), coalesce(recipient_account_id, identity_account_id), aws_region, access_key_id,
               source_ip_address, count(*), count(error_code), min(event_ts), max(event_ts)
        FROM event_rows
        GROUP BY session_id, 2, 3, 4, 5;
        INSERT OR REPLACE INTO rollup_state(id, max_event_rowid) VALUES (1, (SELECT max(id) FROM event_rows));
        """

    static let rebuildSQL = """
        DELETE FROM activity_rollup;
        INSERT INTO activity_rollup(session_id, account, region, access_key_id, source_ip_address, events, errors, first_ts, last_ts)
        SELECT coalesce(session_id, 0), coalesce(recipient_account_id, identity_account_id), aws_region, access_key_id,
               source_ip_address, count(*), count(error_code), min(event_ts), max(event_ts)
        FROM event_rows
        GROUP BY session_id, 2, 3, 4, 5;
        DELETE FROM hourly_rollup;
        INSERT INTO hourly_rollup(hour, account, region, events)
        SELECT event_ts / 3600 * 3600, coalesce(recipient_account_id, identity_account_id), aws_region, count(*)
        FROM event_rows
        GROUP BY 1, 2, 3;
        INSERT OR REPLACE INTO rollup_state(id, max_event_rowid) VALUES (1, (SELECT max(id) FROM event_rows));
        """

    /// Rebuilds the roll-ups from the events as they are attributed now. Call inside the
    /// transaction that last moved events, so no reader sees one without the other.
    public static func rebuild(_ db: Database) throws {
        try db.execute(rebuildSQL)
    }

    /// True when the roll-ups cover every stored event.
    public static func isCurrent(_ db: Database) throws -> Bool {
        try db.scalarInt("""
            SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1)
            """) == 1
    }
}
