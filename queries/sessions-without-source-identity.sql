-- name: sessions-without-source-identity
-- description: Role sessions that carry no source identity (observed, issued or inherited), by role and origin
-- param: role pattern optional Only this role (name or ARN); * or % are wildcards
-- param: since time optional Only sessions active at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only sessions active before this time
-- param: account text optional Only sessions in this AWS account
-- example: trail query sessions-without-source-identity --since 7d
SELECT s.role_arn, s.origin_type, s.origin_id, s.origin_detail,
       count(*) AS sessions, sum(s.events) AS events,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(s.first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(s.last_ts), 'unixepoch') AS last_seen
FROM sessions s
WHERE s.events > 0 AND s.kind = 'role' AND s.source_identity IS NULL
  AND (:role IS NULL OR s.role_name LIKE :role ESCAPE '\' OR s.role_arn LIKE :role ESCAPE '\')
  AND (:since IS NULL OR s.last_ts >= :since)
  AND (:until IS NULL OR s.first_ts < :until)
  AND (:account IS NULL OR s.account_id = :account)
GROUP BY s.role_arn, s.origin_type, s.origin_id, s.origin_detail
ORDER BY sessions DESC, s.role_arn, s.origin_id;
