-- name: root-activity
-- description: Everything done as an account's root user, console or keys
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: errors_only bool default false Only events that failed
-- example: trail query root-activity --since 30d
SELECT a.event_time AS time, a.account_id AS account, a.origin_id AS root,
       replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
       a.source_ip_address AS source_ip, a.user_agent, a.error_code AS error, a.event_id
FROM sessions s CROSS JOIN event_attribution a ON a.session_key = s.session_key
WHERE s.origin_type = 'root'
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:service IS NULL OR a.event_source = :service)
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
ORDER BY a.event_ts, a.event_id;
