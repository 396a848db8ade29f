/// `error_events`: every failed call (an event with an errorCode, 2.7 % of them at 1M) with its
/// attribution spelled out as `event_findings` spells it: origin, chain, session and resources.
///
/// `cis-4-1-unauthorized-api-calls` lists tens of thousands of these over a month, and
/// `access-denied` groups them by origin. Read through `event_findings`, each costs a random
/// read of its wide event row, its session and its resources, most of the query's time at 1M
/// events; here they are one narrow row each, stored in time order.
///
/// Like the roll-ups it is rebuilt whole, from the events as they are attributed now, in the
/// same transaction (`ActivityRollup.rebuild`), and `rollup_state` covers it: a query trusts
/// it only while the roll-ups are current, and reads the events otherwise.
public enum ErrorEvents {
    static let tableSQL = """
        CREATE TABLE IF NOT EXISTS error_events (
          event_ts INTEGER NOT NULL,
          event_id TEXT NOT NULL,
          event_row INTEGER NOT NULL,         -- event_rows.id
          event_time TEXT NOT NULL,
          account TEXT,                       -- coalesce(recipient_account_id, identity_account_id)
          region TEXT,
          event_source TEXT,
          event_name TEXT,
          error_code TEXT NOT NULL,
          session_id INTEGER,
          source_ip_address TEXT,
          origin_type TEXT NOT NULL,          -- 'unknown' when nobody was found, as in event_attribution
          origin_id TEXT,
          origin_detail TEXT,
          chain_roles TEXT,                   -- sessions.chain_roles: NULL when direct
          chain TEXT NOT NULL,                -- the chain's role ARNs joined by ' > ' ('' when direct), as event_findings
          session_key TEXT,
          resources TEXT,                     -- the record's resource ARNs in order, space-separated, as event_findings
          PRIMARY KEY (event_ts, event_id)) WITHOUT ROWID;
        -- access-denied groups by origin, chain, account and call: in this order, without a sort.
        CREATE INDEX IF NOT EXISTS error_events_origin ON error_events(origin_type, origin_id, origin_detail, chain_roles, account,
          event_source, event_name, error_code, event_ts, region, session_id);
        """

    /// The same expressions as `event_attribution` and `event_findings`, so a row
    /// here equals the event's finding.
    static let rebuildSQL = """
        DELETE FROM error_events;
        INSERT INTO error_events(event_ts, event_id, event_row, event_time, account, region, event_source, event_name, error_code,
                                 session_id, source_ip_address, origin_type, origin_id, origin_detail, chain_roles, chain,
                                 session_key, resources)
        SELECT e.event_ts, e.event_id, e.id, e.event_time, coalesce(e.recipient_account_id, e.identity_account_id), e.aws_region,
               e.event_source, e.event_name, e.error_code, e.session_id, e.source_ip_address,
               coalesce(s.origin_type, 'unknown'), s.origin_id, s.origin_detail, s.chain_roles,
               coalesce((SELECT group_concat(value, ' > ') FROM json_each(coalesce(s.chain, '[]'))), ''),
               s.session_key,
               (SELECT group_concat(arn, ' ') FROM (SELECT r.arn FROM resources r WHERE r.event_row = e.id ORDER BY r.position))
        FROM event_rows e LEFT JOIN sessions s ON s.id = e.session_id
        WHERE e.error_code IS NOT NULL;
        """
}
