-- name: who-assumed-role
-- description: Who acted under a role: each origin identity with its sessions, first and last use, events, errors and role chains
-- param: role pattern required Role name or ARN; * or % are wildcards
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail query who-assumed-role --role ProdAdmin
-- example: trail query who-assumed-role --role 'arn:aws:iam::444455556666:role/*' --since 7d
--
-- Sessions are matched on the role (through case-insensitive indexes), then grouped by the
-- origin the attribution resolved (never by the caller's raw identity fields). A session wholly
-- inside the window, when no account is asked for and no event reached it since the attribution
-- (attributed_raw_events = raw_events), contributes the counts the attribution stored; any other
-- is counted from its events, which CROSS JOIN makes SQLite read through the session index.
-- Either way the cost follows the role's sessions, not the database's events.
WITH matched AS (
  SELECT s.id, s.role_arn, s.origin_type, s.origin_id, s.origin_detail, s.origin_account, s.chain, s.chain_roles,
         s.events, s.errors, s.first_ts, s.last_ts,
         :account IS NULL AND s.attributed_raw_events IS s.raw_events
           AND (:since IS NULL OR s.first_ts >= :since) AND (:until IS NULL OR s.last_ts < :until) AS stored
  FROM sessions s
  WHERE (s.role_name LIKE :role ESCAPE '\' OR s.role_arn LIKE :role ESCAPE '\') AND (s.events > 0 OR s.raw_events > 0)
    AND (:since IS NULL OR max(coalesce(s.last_ts, s.raw_last_ts), coalesce(s.raw_last_ts, s.last_ts)) >= :since)
    AND (:until IS NULL OR min(coalesce(s.first_ts, s.raw_first_ts), coalesce(s.raw_first_ts, s.first_ts)) < :until)
), per_session AS (
  SELECT m.id, m.role_arn, m.origin_type, m.origin_id, m.origin_detail, m.origin_account, m.chain, m.chain_roles,
         m.events, m.errors, m.first_ts, m.last_ts
  FROM matched m
  WHERE m.stored AND m.events > 0
  UNION ALL
  SELECT m.id, m.role_arn, m.origin_type, m.origin_id, m.origin_detail, m.origin_account, m.chain, m.chain_roles,
         count(*), count(e.error_code), min(e.event_ts), max(e.event_ts)
  FROM matched m CROSS JOIN events e ON e.session_id = m.id
  WHERE NOT m.stored
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY m.id
), per_chain AS (
  SELECT p.role_arn, p.origin_type, p.origin_id, p.origin_detail, p.origin_account,
         p.chain_roles AS chain_path,
         count(*) AS sessions, min(p.first_ts) AS first_ts, max(p.last_ts) AS last_ts,
         sum(p.events) AS events, sum(p.errors) AS errors
  FROM per_session p
  GROUP BY p.role_arn, p.origin_type, p.origin_id, p.origin_detail, p.origin_account, p.chain, p.chain_roles
)
SELECT role_arn, origin_type, origin_id, origin_detail, origin_account,
       sum(sessions) AS sessions,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(last_ts), 'unixepoch') AS last_seen,
       sum(events) AS events, sum(errors) AS errors,
       group_concat(chain_path, '; ') AS chains
FROM per_chain
GROUP BY role_arn, origin_type, origin_id, origin_detail, origin_account
ORDER BY max(last_ts) DESC, role_arn, origin_id;
