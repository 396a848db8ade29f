-- The formulation cross-account-roles had before schema 11 (as of commit 2684348): grouped per session and action,
-- kept as the reference the roll-up version must agree with (ActivityRollupTests).
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
-- The cross-account sessions' events are read once, from the covering activity index, and
-- grouped down to a row per session and action; both the counts and each group's first
-- twelve actions (sorted) come from those rows.
WITH per AS MATERIALIZED (
  -- Each cross-account session's events, down to a row per action.
  SELECT s.id AS session_id, e.event_source, e.event_name,
         count(*) AS events, count(e.error_code) AS errors, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM sessions s CROSS JOIN event_rows e ON e.session_id = s.id
  WHERE s.kind = 'role' AND s.origin_account IS NOT NULL AND s.origin_account <> s.account_id
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR s.account_id = :account)
  GROUP BY 1, 2, 3),
x AS MATERIALIZED (
  SELECT coalesce(s.origin_account, '') AS from_account, s.origin_type, coalesce(s.origin_id, '') AS origin,
         s.account_id AS role_account, s.role_arn, p.session_id, p.events, p.errors, p.first_ts, p.last_ts,
         replace(p.event_source, '.amazonaws.com', '') || ':' || p.event_name AS ev
  FROM per p JOIN sessions s ON s.id = p.session_id),
actions AS MATERIALIZED (
  SELECT from_account, origin_type, origin, role_account, role_arn, group_concat(ev, ' ') AS list
  FROM (SELECT *, row_number() OVER (PARTITION BY from_account, origin_type, origin, role_account, role_arn ORDER BY ev) AS n
        FROM (SELECT DISTINCT from_account, origin_type, origin, role_account, role_arn, ev FROM x)
        ORDER BY from_account, origin_type, origin, role_account, role_arn, ev)
  WHERE n <= 12
  GROUP BY 1, 2, 3, 4, 5)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(x.first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(x.last_ts), 'unixepoch') AS last_seen,
       x.from_account, x.origin_type, x.origin, x.role_account, x.role_arn,
       count(DISTINCT x.session_id) AS sessions, sum(x.events) AS events, sum(x.errors) AS errors,
       (SELECT a.list FROM actions a WHERE a.from_account = x.from_account AND a.origin_type = x.origin_type
          AND a.origin = x.origin AND a.role_account IS x.role_account AND a.role_arn IS x.role_arn) AS actions
FROM x
GROUP BY x.from_account, x.origin_type, x.origin, x.role_account, x.role_arn
ORDER BY x.role_account, x.role_arn, x.origin, x.from_account, x.origin_type;
