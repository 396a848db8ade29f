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
-- with its group (origin account, origin, role). A group's counts come from the activity
-- roll-up for the sessions whose rows lie inside the window, and from their events for the
-- others (activity across a window boundary, or a roll-up that lags the events); its first
-- twelve actions (sorted) from its sessions' events on the covering activity index, the
-- distinct services and event names first, then spelled. The actions are read group by group,
-- in a subquery: as a second CTE over the events next to the counts', SQLite 3.40 reads that
-- scan from the table rather than the covering index alone (five times slower).
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
cs AS MATERIALIZED (
  -- The cross-account role sessions, each with its group: the origin's account, the origin, and the role.
  SELECT s.id, coalesce(s.origin_account, '') AS from_account, s.origin_type, coalesce(s.origin_id, '') AS origin,
         s.account_id AS role_account, s.role_arn,
         dense_rank() OVER (ORDER BY coalesce(s.origin_account, ''), s.origin_type, coalesce(s.origin_id, ''), s.account_id, s.role_arn) AS g
  FROM sessions s
  WHERE s.kind = 'role' AND s.origin_account IS NOT NULL AND s.origin_account <> s.account_id
    AND (:account IS NULL OR s.account_id = :account)),
-- The sessions counted from their events.
edge AS MATERIALIZED (
  SELECT c.id FROM fresh CROSS JOIN cs c
  WHERE NOT fresh.ok OR EXISTS (
    SELECT 1 FROM activity_rollup r
    WHERE r.session_id = c.id
      AND ((:since IS NOT NULL AND r.first_ts < :since AND r.last_ts >= :since)
        OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until)))),
-- Each session's events in the window. (The event arm comes first: after the roll-up arm
-- SQLite stops reading it from the covering index alone.)
per_session AS MATERIALIZED (
  SELECT c.g, c.id, count(*) AS events, count(e.error_code) AS errors, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM edge x CROSS JOIN cs c ON c.id = x.id CROSS JOIN event_rows e ON e.session_id = x.id
  WHERE (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
  GROUP BY c.id
  UNION ALL
  SELECT c.g, c.id, sum(r.events), sum(r.errors), min(r.first_ts), max(r.last_ts)
  FROM fresh CROSS JOIN cs c CROSS JOIN activity_rollup r ON r.session_id = c.id
  WHERE fresh.ok AND c.id NOT IN (SELECT id FROM edge)
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
  GROUP BY c.id),
groups AS MATERIALIZED (
  SELECT g, count(*) AS sessions, sum(events) AS events, sum(errors) AS errors, min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM per_session
  GROUP BY g)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', gr.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', gr.last_ts, 'unixepoch') AS last_seen,
       k.from_account, k.origin_type, k.origin, k.role_account, k.role_arn,
       gr.sessions, gr.events, gr.errors,
       (SELECT group_concat(ev, ' ') FROM (
          SELECT DISTINCT replace(source, '.amazonaws.com', '') || ':' || name AS ev
          FROM (SELECT DISTINCT e.event_source AS source, e.event_name AS name
                FROM cs c CROSS JOIN event_rows e ON e.session_id = c.id
                WHERE c.g = gr.g
                  AND (:since IS NULL OR e.event_ts >= :since)
                  AND (:until IS NULL OR e.event_ts < :until))
          ORDER BY ev LIMIT 12)) AS actions
FROM groups gr JOIN (SELECT DISTINCT g, from_account, origin_type, origin, role_account, role_arn FROM cs) k ON k.g = gr.g
ORDER BY k.role_account, k.role_arn, k.origin, k.from_account, k.origin_type;
