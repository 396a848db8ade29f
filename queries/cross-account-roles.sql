-- name: cross-account-roles
-- description: Principals from one account acting under roles of another: who, which role, how often, what they did
-- report: cross-account-roles
-- title: Cross-account role use
-- severity: info
-- rationale: Every trust between accounts, as used: the human or workload behind each cross-account session.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cross-account-roles --since 7d
--
-- The cross-account sessions come from their own partial index (schema 11), each numbered
-- with its group (origin account, origin, role); their events are read once, from the
-- covering activity index, and grouped down to a row per group and action (on the raw
-- service and event names; each action is spelled once per group). Counts and each
-- group's first twelve actions (sorted) come from those rows; a group's sessions are the
-- ones with an event in the window.
WITH cs AS MATERIALIZED (
  -- The cross-account role sessions, each with its group: the origin's account, the origin, and the role.
  SELECT s.id, coalesce(s.origin_account, '') AS from_account, s.origin_type, coalesce(s.origin_id, '') AS origin,
         s.account_id AS role_account, s.role_arn,
         dense_rank() OVER (ORDER BY coalesce(s.origin_account, ''), s.origin_type, coalesce(s.origin_id, ''), s.account_id, s.role_arn) AS g
  FROM sessions s
  WHERE s.kind = 'role' AND s.origin_account IS NOT NULL AND s.origin_account <> s.account_id
    AND (:account IS NULL OR s.account_id = :account)),
per AS MATERIALIZED (
  -- Their events in the window, down to a row per group and action.
  SELECT g, replace(event_source, '.amazonaws.com', '') || ':' || event_name AS ev,
         sum(events) AS events, sum(errors) AS errors, min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM (
    SELECT c.g, e.event_source, e.event_name,
           count(*) AS events, count(e.error_code) AS errors, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
    FROM cs c CROSS JOIN event_rows e ON e.session_id = c.id
    WHERE (:since IS NULL OR e.event_ts >= :since)
      AND (:until IS NULL OR e.event_ts < :until)
    GROUP BY 1, 2, 3)
  GROUP BY 1, 2),
groups AS MATERIALIZED (
  SELECT g, sum(events) AS events, sum(errors) AS errors, min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM per
  GROUP BY g)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', gr.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', gr.last_ts, 'unixepoch') AS last_seen,
       k.from_account, k.origin_type, k.origin, k.role_account, k.role_arn,
       (SELECT count(*) FROM cs c WHERE c.g = gr.g AND EXISTS (
          SELECT 1 FROM event_rows e WHERE e.session_id = c.id
            AND (:since IS NULL OR e.event_ts >= :since) AND (:until IS NULL OR e.event_ts < :until))) AS sessions,
       gr.events, gr.errors,
       (SELECT group_concat(ev, ' ') FROM (SELECT p.ev FROM per p WHERE p.g = gr.g ORDER BY p.ev LIMIT 12)) AS actions
FROM groups gr JOIN (SELECT DISTINCT g, from_account, origin_type, origin, role_account, role_arn FROM cs) k ON k.g = gr.g
ORDER BY k.role_account, k.role_arn, k.origin, k.from_account, k.origin_type;
