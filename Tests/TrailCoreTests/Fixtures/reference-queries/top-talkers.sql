-- The event-level formulation top-talkers had before it ranked origins from the activity roll-up (as of commit da104e8),
-- kept as the reference the roll-up version must agree with (ActivityRollupTests).
-- name: top-talkers
-- description: The origins behind the most events, with errors, sessions, accounts and services touched
-- param: limit int default 20 At most this many origins
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: region text optional Only events in this region
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: event pattern optional Only this event name; * or % are wildcards
-- param: errors_only bool default false Only events that failed
-- example: trail query top-talkers --since 24h --limit 10
--
-- Sessions are walked in origin order and each one's events read from the covering activity
-- index, so no event row is opened. Events with no identity (no session) count
-- under the bare "unknown" origin, together with the sessions attributed to nobody.
WITH w AS NOT MATERIALIZED (
  -- The window's events, filtered; flattened into each arm below (never materialised).
  SELECT e.session_id, e.event_ts, e.error_code, e.event_source,
         coalesce(e.recipient_account_id, e.identity_account_id) AS account
  FROM event_rows e
  WHERE (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:region IS NULL OR e.aws_region = :region)
    AND (:service IS NULL OR e.event_source = :service)
    AND (:event IS NULL OR e.event_name LIKE :event ESCAPE '\')
    AND (NOT :errors_only OR e.error_code IS NOT NULL))
SELECT * FROM (
  SELECT s.origin_type, s.origin_id, s.origin_detail,
         count(*) AS events, count(w.error_code) AS errors, count(DISTINCT w.session_id) AS sessions,
         count(DISTINCT w.account) AS accounts, count(DISTINCT w.event_source) AS services,
         strftime('%Y-%m-%dT%H:%M:%SZ', min(w.event_ts), 'unixepoch') AS first_seen,
         strftime('%Y-%m-%dT%H:%M:%SZ', max(w.event_ts), 'unixepoch') AS last_seen
  FROM sessions s CROSS JOIN w ON w.session_id = s.id
  WHERE NOT (s.origin_type = 'unknown' AND s.origin_id IS NULL AND s.origin_detail IS NULL)
  GROUP BY s.origin_type, s.origin_id, s.origin_detail
  UNION ALL
  SELECT 'unknown', NULL, NULL,
         count(*), count(w.error_code), count(DISTINCT w.session_id),
         count(DISTINCT w.account), count(DISTINCT w.event_source),
         strftime('%Y-%m-%dT%H:%M:%SZ', min(w.event_ts), 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%SZ', max(w.event_ts), 'unixepoch')
  FROM w
  WHERE w.session_id IS NULL OR w.session_id IN (
          SELECT u.id FROM sessions u WHERE u.origin_type = 'unknown' AND u.origin_id IS NULL AND u.origin_detail IS NULL)
  HAVING count(*) > 0)
ORDER BY events DESC, origin_type, origin_id, origin_detail
LIMIT :limit;
