-- name: hygiene-unknown-origin
-- description: Credential sessions whose origin trail could not find, and why
-- report: hygiene-unknown-origin
-- title: Sessions with unknown origin
-- severity: low
-- rationale: Activity nobody can be named for: usually an issuing call outside the ingested window, region or account; a gap in the logs to close.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-unknown-origin --since 7d
SELECT s.first_seen, s.last_seen, s.account_id AS account, s.kind, s.role_arn, s.session_name, s.events, s.errors,
       s.reason, s.session_key AS session
FROM sessions s
WHERE s.origin_type = 'unknown' AND s.events > 0
  AND (:since IS NULL OR s.last_ts >= :since)
  AND (:until IS NULL OR s.first_ts < :until)
  AND (:account IS NULL OR s.account_id = :account)
ORDER BY s.first_ts, s.session_key;
