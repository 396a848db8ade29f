/// `resource_events`: each resource a record names, with what "who touched this ARN" prints of
/// its event (time, account, call, error), stored in ARN order.
///
/// `resource-access` matches a glob such as `arn:aws:s3:::bucket/*` against the ARNs. Through
/// `resources` and the events, each match costs a random read of its ~770-byte event row:
/// 15.8k of them, about half of the query's SQL, for one busy bucket over three days at 1M
/// events. Here the matches of a prefix are neighbours, one narrow row each.
///
/// Unlike the roll-ups, nothing here changes once written: the event's own fields are fixed,
/// and `session_id` is the session the ingest gave the event. The attribution may re-point an
/// event since; `event_links` records every such move, so the event's session now is
/// `coalesce(event_links.session_id, resource_events.session_id)`, exactly `event_rows.session_id`.
/// Rows are therefore only appended: after each load, for the resources of event rows above
/// `resource_events_state.max_event_rowid`, in one transaction with that mark. A query reads
/// the rows above the mark (an ingest in progress, or one interrupted before the append) from
/// `resources` and the events, through `resources_row`, so it is exact at every moment.
public enum ResourceEvents {
    static let tableSQL = """
        CREATE TABLE IF NOT EXISTS resource_events (
          arn TEXT NOT NULL,
          event_ts INTEGER NOT NULL,
          event_id TEXT NOT NULL,
          position INTEGER NOT NULL,          -- resources.position: the ARN's place in the record's resources
          event_row INTEGER NOT NULL,         -- event_rows.id
          session_id INTEGER,                 -- the session at ingest; event_links has the ones moved since
          event_time TEXT NOT NULL,
          account TEXT,                       -- coalesce(recipient_account_id, identity_account_id)
          event_source TEXT,
          event_name TEXT,
          error_code TEXT,
          PRIMARY KEY (arn, event_ts, event_id, position)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS resource_events_state (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          max_event_rowid INTEGER NOT NULL);  -- resource_events holds the resources of every event row up to this one
        """

    /// The resources of the event rows past the mark, in key order so the B-tree is written
    /// page after page, and the new mark. A resource without an ARN matches no glob and is left
    /// out. `original_session_id` is the ingest's session of an event the attribution moved.
    static let appendSQL = """
        INSERT INTO resource_events(arn, event_ts, event_id, position, event_row, session_id, event_time, account,
                                    event_source, event_name, error_code)
        SELECT r.arn, e.event_ts, e.event_id, r.position, e.id,
               coalesce((SELECT l.original_session_id FROM event_links l WHERE l.event_rowid = e.id), e.session_id),
               e.event_time, coalesce(e.recipient_account_id, e.identity_account_id), e.event_source, e.event_name, e.error_code
        FROM resources r CROSS JOIN event_rows e ON e.id = r.event_row
        WHERE r.event_row > coalesce((SELECT max_event_rowid FROM resource_events_state), 0) AND r.arn IS NOT NULL
        ORDER BY r.arn, e.event_ts, e.event_id, r.position;
        INSERT OR REPLACE INTO resource_events_state(id, max_event_rowid)
        VALUES (1, max(coalesce((SELECT max(id) FROM event_rows), 0), coalesce((SELECT max_event_rowid FROM resource_events_state), 0)));
        """

    /// Adds the resources of the events stored since the last append. Call inside a transaction.
    public static func append(_ db: Database) throws {
        try db.execute(appendSQL)
    }

    /// True when every stored event's resources are in `resource_events`.
    public static func isCurrent(_ db: Database) throws -> Bool {
        try db.scalarInt("""
            SELECT coalesce((SELECT max_event_rowid FROM resource_events_state), 0) >= coalesce((SELECT max(id) FROM event_rows), 0)
            """) == 1
    }
}
