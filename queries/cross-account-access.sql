-- name: cross-account-access
-- description: Outside principals acting in an account: events whose origin belongs to another account, by account, origin and chain
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this (target) AWS account
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: errors_only bool default false Only events that failed
-- example: trail query cross-account-access
-- example: trail query cross-account-access --account 444455556666 --since 30d
--
-- "Outside" means the attributed origin's account differs from the account the event happened
-- in; SAML, web-identity and Identity Center origins have no account and are not listed.
--
-- Grouped by origin and chain (as role names, sessions.chain_roles). Sessions whose rows lie
-- inside the window count from the activity roll-up; the others (activity crossing a window
-- boundary, a --service or --errors-only filter the roll-up cannot answer, or a roll-up that
-- lags the events) from their events in the covering activity index.
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1)
         AND :service IS NULL AND NOT :errors_only AS ok),
outside AS MATERIALIZED (
  SELECT s.id, s.origin_account, s.origin_type, s.origin_id, s.origin_detail, s.chain_roles FROM sessions s WHERE s.origin_account IS NOT NULL),
edge AS MATERIALIZED (
  SELECT o.id FROM outside o, fresh
  WHERE NOT fresh.ok OR o.id IN (
    SELECT r.session_id FROM activity_rollup r
    WHERE (:since IS NOT NULL AND r.first_ts < :since AND r.last_ts >= :since)
       OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until))),
activity AS (
  -- (The event arm comes first: after the roll-up arm SQLite stops reading it from the
  -- covering index alone.)
  SELECT coalesce(e.recipient_account_id, e.identity_account_id) AS account, o.id AS session_id,
         count(*) AS events, count(e.error_code) AS errors, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM edge x CROSS JOIN outside o ON o.id = x.id CROSS JOIN event_rows e ON e.session_id = x.id
  WHERE coalesce(e.recipient_account_id, e.identity_account_id) <> o.origin_account
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:service IS NULL OR e.event_source = :service)
    AND (NOT :errors_only OR e.error_code IS NOT NULL)
  GROUP BY 1, 2
  UNION ALL
  SELECT r.account, o.id, r.events, r.errors, r.first_ts, r.last_ts
  FROM fresh CROSS JOIN outside o CROSS JOIN activity_rollup r ON r.session_id = o.id
  WHERE fresh.ok AND o.id NOT IN (SELECT id FROM edge)
    AND r.account <> o.origin_account
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account))
SELECT x.account, x.origin_account, x.origin_type, x.origin_id, x.origin_detail,
       coalesce(x.chain_roles, '(direct)') AS chain,
       x.sessions, x.events, x.errors,
       strftime('%Y-%m-%dT%H:%M:%SZ', x.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', x.last_ts, 'unixepoch') AS last_seen
FROM (
  SELECT a.account, o.origin_account, o.origin_type, o.origin_id, o.origin_detail, o.chain_roles,
         count(DISTINCT a.session_id) AS sessions, sum(a.events) AS events, sum(a.errors) AS errors,
         min(a.first_ts) AS first_ts, max(a.last_ts) AS last_ts
  FROM activity a JOIN outside o ON o.id = a.session_id
  GROUP BY 1, 2, 3, 4, 5, 6) x
ORDER BY x.account, x.origin_account, x.origin_id, chain;
