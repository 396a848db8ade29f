-- name: long-term-key-usage
-- description: Long-term access keys (AKIA…) in use: owner, events, errors, services and source addresses per key
-- param: key glob optional Only this access key; * or % are wildcards
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail query long-term-key-usage
-- example: trail query long-term-key-usage --key 'AKIA*' --since 90d
--
-- Only sessions that hold an AKIA key (or received re-pointed events that carry one) are read.
-- Counts and addresses come from the activity roll-up for the sessions whose rows lie inside
-- the window, and from their events for the others (see hygiene-keys-many-ips for how the
-- roll-up is trusted); services are counted from the events on the covering activity index.
-- Addresses are listed sorted, so the list reads the same whatever order the events were stored in.
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
holders AS MATERIALIZED (
  SELECT k.session_id FROM session_access_keys k WHERE k.access_key_id >= 'AKIA' AND k.access_key_id < 'AKIB'
  UNION
  SELECT l.session_id FROM event_links l JOIN event_rows m ON m.id = l.event_rowid
  WHERE m.access_key_id >= 'AKIA' AND m.access_key_id < 'AKIB'),
-- The sessions counted from their events: those whose activity crosses a window boundary,
-- and all of them while the roll-up lags.
edge AS MATERIALIZED (
  SELECT h.session_id FROM holders h, fresh
  WHERE NOT fresh.ok OR EXISTS (
    SELECT 1 FROM activity_rollup r
    WHERE r.session_id = h.session_id
      AND ((:since IS NOT NULL AND r.first_ts < :since AND r.last_ts >= :since)
        OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until)))),
activity AS (
  -- (The event arm comes first: after the roll-up arm SQLite stops reading it from the
  -- covering index alone.)
  SELECT e.session_id, e.access_key_id, e.source_ip_address AS ip,
         count(*) AS events, count(e.error_code) AS errors, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM edge x CROSS JOIN event_rows e ON e.session_id = x.session_id
  WHERE e.access_key_id >= 'AKIA' AND e.access_key_id < 'AKIB'
    AND (:key IS NULL OR e.access_key_id GLOB :key)
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT r.session_id, r.access_key_id, r.source_ip_address, r.events, r.errors, r.first_ts, r.last_ts
  FROM holders h CROSS JOIN activity_rollup r ON r.session_id = h.session_id, fresh
  WHERE fresh.ok AND h.session_id NOT IN (SELECT session_id FROM edge)
    AND r.access_key_id >= 'AKIA' AND r.access_key_id < 'AKIB'
    AND (:key IS NULL OR r.access_key_id GLOB :key)
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account)),
-- Down to a row per key, owner and address.
g AS MATERIALIZED (
  SELECT a.access_key_id, s.origin_type, s.origin_id, s.origin_account, a.ip,
         sum(a.events) AS events, sum(a.errors) AS errors, min(a.first_ts) AS first_ts, max(a.last_ts) AS last_ts
  FROM activity a JOIN sessions s ON s.id = a.session_id
  GROUP BY 1, 2, 3, 4, 5),
services AS MATERIALIZED (
  SELECT access_key_id, origin_type, origin_id, origin_account, count(*) AS services
  FROM (SELECT DISTINCT e.access_key_id, s.origin_type, s.origin_id, s.origin_account, e.event_source
        FROM sessions s CROSS JOIN event_rows e ON e.session_id = s.id
        WHERE s.id IN (SELECT session_id FROM holders) AND e.access_key_id >= 'AKIA' AND e.access_key_id < 'AKIB'
          AND (:key IS NULL OR e.access_key_id GLOB :key)
          AND (:since IS NULL OR e.event_ts >= :since)
          AND (:until IS NULL OR e.event_ts < :until)
          AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account))
  GROUP BY 1, 2, 3, 4)
SELECT g.access_key_id, g.origin_type, g.origin_id AS owner, g.origin_account AS owner_account,
       sum(g.events) AS events, sum(g.errors) AS errors,
       (SELECT v.services FROM services v WHERE v.access_key_id = g.access_key_id AND v.origin_type IS g.origin_type
          AND v.origin_id IS g.origin_id AND v.origin_account IS g.origin_account) AS services,
       group_concat(g.ip) AS source_ips,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(g.first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(g.last_ts), 'unixepoch') AS last_seen
FROM (SELECT * FROM g ORDER BY 1, 2, 3, 4, 5) g
GROUP BY g.access_key_id, g.origin_type, g.origin_id, g.origin_account
ORDER BY max(g.last_ts) DESC, g.access_key_id;
