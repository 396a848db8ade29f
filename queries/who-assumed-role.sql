-- name: who-assumed-role
-- description: Who acted under a role: each origin identity with its sessions, first and last use, events, errors and role chains
-- param: role pattern required Role name or ARN; * or % are wildcards
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail query who-assumed-role --role ProdAdmin
-- example: trail query who-assumed-role --role 'arn:aws:iam::444455556666:role/*' --since 7d
--
-- Sessions are matched on the role, then their events are grouped by the origin the
-- attribution resolved (never by the caller's raw identity fields). CROSS JOIN makes SQLite
-- read the few matching sessions first and their events through the session index.
WITH per_chain AS (
  SELECT a.role_arn, a.origin_type, a.origin_id, a.origin_detail, a.origin_account,
         (SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
            FROM json_each(a.chain)) AS chain_path,
         count(DISTINCT a.session_key) AS sessions,
         min(a.event_ts) AS first_ts, max(a.event_ts) AS last_ts,
         count(*) AS events, count(a.error_code) AS errors
  FROM sessions s CROSS JOIN event_attribution a ON a.session_key = s.session_key
  WHERE (s.role_name LIKE :role ESCAPE '\' OR s.role_arn LIKE :role ESCAPE '\')
    AND (:since IS NULL OR a.event_ts >= :since)
    AND (:until IS NULL OR a.event_ts < :until)
    AND (:account IS NULL OR a.account_id = :account)
  GROUP BY a.role_arn, a.origin_type, a.origin_id, a.origin_detail, a.origin_account, a.chain
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
