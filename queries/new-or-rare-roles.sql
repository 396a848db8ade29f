-- name: new-or-rare-roles
-- description: Roles used for the first time in a window (new), or in only a few sessions during it (rare)
-- param: since time default 7d Start of the window: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional End of the window (default: no end)
-- param: rare_max int default 2 A role used in at most this many sessions in the window is rare
-- param: account text optional Only sessions in this AWS account
-- example: trail query new-or-rare-roles --since 7d
-- example: trail query new-or-rare-roles --since 2026-11-20 --rare-max 1
--
-- "First time" means first among the ingested logs. A session counts in the window when its
-- activity (first_ts .. last_ts) overlaps it.
WITH role_sessions AS (
  SELECT s.role_arn, s.first_ts, s.last_ts, s.origin_type, s.origin_id, s.origin_detail
  FROM sessions s
  WHERE s.kind = 'role' AND s.role_arn IS NOT NULL
    AND (:account IS NULL OR s.account_id = :account)
), history AS (
  SELECT role_arn, min(first_ts) AS first_ts FROM role_sessions GROUP BY role_arn
), in_window AS (
  SELECT role_arn, count(*) AS sessions, max(last_ts) AS last_ts,
         group_concat(DISTINCT coalesce(origin_id, origin_type) || coalesce(' (' || origin_detail || ')', '')) AS origins
  FROM role_sessions
  WHERE last_ts >= :since AND (:until IS NULL OR first_ts < :until)
  GROUP BY role_arn
)
SELECT w.role_arn,
       CASE WHEN h.first_ts >= :since THEN 'new' ELSE 'rare' END AS status,
       w.sessions AS sessions_in_window,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', w.last_ts, 'unixepoch') AS last_seen,
       w.origins
FROM in_window w JOIN history h ON h.role_arn = w.role_arn
WHERE h.first_ts >= :since OR w.sessions <= :rare_max
ORDER BY status, w.role_arn;
