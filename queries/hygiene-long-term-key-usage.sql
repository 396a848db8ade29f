-- name: hygiene-long-term-key-usage
-- description: Principals acting with long-term access keys (AKIA), against their temporary-credential activity
-- report: hygiene-long-term-keys
-- title: Long-term access keys in use
-- severity: medium
-- rationale: Long-term keys do not expire and leak from laptops and CI; each principal here could use role sessions instead.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-long-term-key-usage --since 7d
-- The key and account lists are built from sorted distinct values, so they read the same
-- whatever order the events were stored in. Only sessions whose origin is an IAM user or root
-- can hold an AKIA key, so only those sessions are read: from the activity roll-up when their
-- rows lie inside the window, else from their events on the covering activity index (see
-- hygiene-keys-many-ips for how the roll-up is trusted).
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
users AS MATERIALIZED (
  SELECT s.id, s.origin_type, coalesce(s.origin_id, '') AS origin FROM sessions s WHERE s.origin_type IN ('iam_user', 'root')),
-- The sessions counted from their events: those whose activity crosses a window boundary,
-- and all of them while the roll-up lags.
edge AS MATERIALIZED (
  SELECT u.id AS session_id FROM users u, fresh
  WHERE NOT fresh.ok OR EXISTS (
    SELECT 1 FROM activity_rollup r
    WHERE r.session_id = u.id
      AND ((:since IS NOT NULL AND r.first_ts < :since AND r.last_ts >= :since)
        OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until)))),
activity AS (
  -- (The event arms come first: after the roll-up arm SQLite stops reading them from the
  -- covering index alone.)
  SELECT u.origin_type, u.origin, e.access_key_id, coalesce(e.recipient_account_id, e.identity_account_id) AS account,
         count(*) AS events, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM edge x CROSS JOIN users u ON u.id = x.session_id CROSS JOIN event_rows e ON e.session_id = x.session_id
  WHERE (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY 1, 2, 3, 4
  UNION ALL
  -- Sessions inside the window, from the roll-up.
  SELECT u.origin_type, u.origin, r.access_key_id, r.account, r.events, r.first_ts, r.last_ts
  FROM users u CROSS JOIN activity_rollup r ON r.session_id = u.id, fresh
  WHERE fresh.ok AND r.session_id NOT IN (SELECT session_id FROM edge)
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account)),
g AS MATERIALIZED (
  -- Down to a row per origin, long-term key (or none), credential kind and account; the
  -- lists and totals below are read from these few rows.
  SELECT origin_type, origin,
         CASE WHEN access_key_id GLOB 'AKIA*' THEN access_key_id END AS long_term_key,
         coalesce(access_key_id GLOB 'ASIA*', 0) AS temporary,
         account, sum(events) AS events, min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM activity
  GROUP BY 1, 2, 3, 4, 5),
key_lists AS (
  SELECT origin_type, origin, group_concat(long_term_key, ',') AS keys, count(*) AS long_term_keys
  FROM (SELECT DISTINCT origin_type, origin, long_term_key FROM g WHERE long_term_key IS NOT NULL ORDER BY 1, 2, 3)
  GROUP BY origin_type, origin),
account_lists AS (
  SELECT origin_type, origin, group_concat(account, ',') AS accounts
  FROM (SELECT DISTINCT origin_type, origin, account FROM g WHERE account IS NOT NULL ORDER BY 1, 2, 3)
  GROUP BY origin_type, origin)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(g.first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(g.last_ts), 'unixepoch') AS last_seen, g.origin_type, g.origin,
       sum(CASE WHEN g.long_term_key IS NOT NULL THEN g.events ELSE 0 END) AS long_term_events,
       sum(CASE WHEN g.temporary THEN g.events ELSE 0 END) AS temporary_events,
       k.long_term_keys, k.keys, l.accounts
FROM g JOIN key_lists k ON k.origin_type = g.origin_type AND k.origin = g.origin
  LEFT JOIN account_lists l ON l.origin_type = g.origin_type AND l.origin = g.origin
GROUP BY g.origin_type, g.origin
HAVING long_term_events > 0
ORDER BY long_term_events DESC, g.origin_type, g.origin;
