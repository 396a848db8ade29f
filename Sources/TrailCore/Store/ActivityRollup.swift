/// `activity_rollup`: the events summed per session, account, region, access key and source
/// address, with counts and time span. At 1M events it holds about 80k rows, so the key and
/// address checks (`hygiene-keys-many-ips`, `hygiene-long-term-key-usage`,
/// `new-or-rare-source-ips`) read it instead of a million index entries.
///
/// It is rebuilt whole rather than kept up to date event by event: the attribution pass moves
/// events between sessions, and a rebuild from `event_rows` is exact by construction whatever
/// moved. `rollup_state` records the highest event row it covers; a query trusts the roll-up
/// only while that is still the newest row, and counts from the events otherwise (during an
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
        CREATE TABLE IF NOT EXISTS rollup_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          max_event_rowid INTEGER);           -- max(event_rows.id) when the roll-up was built
        """

    static let rebuildSQL = """
        DELETE FROM activity_rollup;
        INSERT INTO activity_rollup(session_id, account, region, access_key_id, source_ip_address, events, errors, first_ts, last_ts)
        SELECT coalesce(session_id, 0), coalesce(recipient_account_id, identity_account_id), aws_region, access_key_id,
               source_ip_address, count(*), count(error_code), min(event_ts), max(event_ts)
        FROM event_rows
        GROUP BY session_id, 2, 3, 4, 5;
        INSERT OR REPLACE INTO rollup_state(id, max_event_rowid) VALUES (1, (SELECT max(id) FROM event_rows));
        """

    /// Rebuilds the roll-up from the events as they are attributed now. Call inside the
    /// transaction that last moved events, so no reader sees one without the other.
    public static func rebuild(_ db: Database) throws {
        try db.execute(rebuildSQL)
    }

    /// True when the roll-up covers every stored event.
    public static func isCurrent(_ db: Database) throws -> Bool {
        try db.scalarInt("""
            SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1)
            """) == 1
    }
}
