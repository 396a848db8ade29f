-- name: source-ip-activity
-- description: Everything done from a source IP address (or range, with wildcards), with the attributed origin
-- param: ip glob required Source IP address; * or % are wildcards, e.g. '203.0.113.*'
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: region text optional Only events in this region
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: event pattern optional Only this event name; * or % are wildcards
-- param: errors_only bool default false Only events that failed
-- example: trail query source-ip-activity --ip 203.0.113.77
-- example: trail query source-ip-activity --ip '198.51.100.*' --errors-only
SELECT a.event_time AS time, a.source_ip_address AS source_ip, a.account_id AS account,
       a.origin_type, a.origin_id, a.origin_detail,
       coalesce(a.chain_roles, '(direct)') AS chain,
       replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
       a.error_code AS error, a.user_agent, a.event_id
FROM event_attribution a
WHERE a.source_ip_address GLOB :ip
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:region IS NULL OR a.region = :region)
  AND (:service IS NULL OR a.event_source = :service)
  AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\')
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
ORDER BY a.event_ts, a.event_id;
