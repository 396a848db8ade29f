-- name: hygiene-keys-many-ips
-- description: Long-term access keys used from several source IP addresses
-- report: hygiene-keys-many-ips
-- title: Access keys used from many IP addresses
-- severity: medium
-- rationale: A key used from many addresses is shared, or stolen and replayed from elsewhere.
-- param: min_ips int default 3 Report keys seen from at least this many addresses
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-keys-many-ips --since 7d
--
-- Read from the activity roll-up (a row per session, account, region, key and address, rebuilt
-- by every ingest): a session whose rows all lie inside the window counts from it; one whose
-- activity crosses a window boundary is counted from its events on the covering activity
-- index. While the roll-up lags the events (an ingest in progress, or one that was
-- interrupted), every session is counted from its events.
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
-- The sessions that hold an AKIA key or received re-pointed events that carry one: the only
-- ones that can have acted with one.
keyed AS MATERIALIZED (
  SELECT k.session_id FROM session_access_keys k WHERE k.access_key_id >= 'AKIA' AND k.access_key_id < 'AKIB'
  UNION SELECT l.session_id FROM event_links l JOIN event_rows m ON m.id = l.event_rowid
                       WHERE m.access_key_id >= 'AKIA' AND m.access_key_id < 'AKIB'),
-- Those counted from their events: the ones whose activity crosses a window boundary, and
-- all of them while the roll-up lags.
edge AS MATERIALIZED (
  SELECT x.session_id FROM keyed x, fresh
  WHERE NOT fresh.ok OR EXISTS (
    SELECT 1 FROM activity_rollup r
    WHERE r.session_id = x.session_id AND r.access_key_id GLOB 'AKIA*'
      AND ((:since IS NOT NULL AND r.first_ts < :since AND r.last_ts >= :since)
        OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until)))),
k AS MATERIALIZED (
  -- (The event arms come first: after the roll-up arm SQLite stops reading them from the
  -- covering index alone.)
  SELECT coalesce(e.recipient_account_id, e.identity_account_id) AS account, e.access_key_id, s.origin_id,
         e.source_ip_address, 1 AS events, e.event_ts AS first_ts, e.event_ts AS last_ts
  FROM edge x CROSS JOIN event_rows e ON e.session_id = x.session_id CROSS JOIN sessions s ON s.id = x.session_id
  WHERE e.access_key_id GLOB 'AKIA*'
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  UNION ALL
  -- Sessions inside the window, from the roll-up.
  SELECT r.account, r.access_key_id, s.origin_id, r.source_ip_address, r.events, r.first_ts, r.last_ts
  FROM keyed x CROSS JOIN activity_rollup r ON r.session_id = x.session_id CROSS JOIN sessions s ON s.id = x.session_id, fresh
  WHERE fresh.ok AND r.access_key_id GLOB 'AKIA*' AND x.session_id NOT IN (SELECT session_id FROM edge)
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account))
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(k.first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(k.last_ts), 'unixepoch') AS last_seen,
       k.account, k.access_key_id AS access_key, k.origin_id AS origin,
       count(DISTINCT k.source_ip_address) AS source_ips, sum(k.events) AS events,
       (SELECT group_concat(ip, ' ') FROM (SELECT DISTINCT k2.source_ip_address AS ip FROM k k2
          WHERE k2.access_key_id = k.access_key_id AND k2.account IS k.account AND k2.source_ip_address IS NOT NULL ORDER BY 1)) AS addresses
FROM k
GROUP BY k.account, k.access_key_id, k.origin_id
HAVING count(DISTINCT k.source_ip_address) >= :min_ips
ORDER BY source_ips DESC, access_key, account, origin;
