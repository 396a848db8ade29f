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
-- can hold an AKIA key, so the events are read from those sessions (CROSS JOIN: through the
-- session index) rather than from the whole table.
WITH f AS (
  SELECT e.event_time AS time, s.origin_type, coalesce(s.origin_id, '') AS origin, e.access_key_id,
         coalesce(e.recipient_account_id, e.identity_account_id) AS account
  FROM sessions s CROSS JOIN events e ON e.session_id = s.id
  WHERE s.origin_type IN ('iam_user', 'root')
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)),
key_lists AS (
  SELECT origin_type, origin, group_concat(access_key_id, ',') AS keys
  FROM (SELECT DISTINCT origin_type, origin, access_key_id FROM f WHERE access_key_id GLOB 'AKIA*' ORDER BY 1, 2, 3)
  GROUP BY origin_type, origin),
account_lists AS (
  SELECT origin_type, origin, group_concat(account, ',') AS accounts
  FROM (SELECT DISTINCT origin_type, origin, account FROM f WHERE account IS NOT NULL ORDER BY 1, 2, 3)
  GROUP BY origin_type, origin)
SELECT min(f.time) AS first_seen, max(f.time) AS last_seen, f.origin_type, f.origin,
       sum(f.access_key_id GLOB 'AKIA*') AS long_term_events,
       sum(f.access_key_id GLOB 'ASIA*') AS temporary_events,
       count(DISTINCT CASE WHEN f.access_key_id GLOB 'AKIA*' THEN f.access_key_id END) AS long_term_keys,
       k.keys, l.accounts
FROM f JOIN key_lists k ON k.origin_type = f.origin_type AND k.origin = f.origin
  LEFT JOIN account_lists l ON l.origin_type = f.origin_type AND l.origin = f.origin
GROUP BY f.origin_type, f.origin
HAVING long_term_events > 0
ORDER BY long_term_events DESC, f.origin_type, f.origin;
