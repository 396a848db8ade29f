-- name: hygiene-root-activity
-- description: Everything whose origin is an account's root user, through any chain
-- report: hygiene-root-activity
-- title: Root account activity
-- severity: high
-- rationale: Root credentials (keys, console, or AssumeRoot sessions) bypass IAM; CIS 4.3 counts only calls made as Root directly, this counts every call that traces back to root.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-root-activity --since 7d
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE session_id IN (SELECT id FROM sessions WHERE origin_type = 'root')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
