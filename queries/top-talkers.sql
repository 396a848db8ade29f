-- name: top-talkers
-- description: The origins behind the most events, with errors, sessions, accounts and services touched
-- param: limit int default 20 At most this many origins
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: region text optional Only events in this region
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: event pattern optional Only this event name; * or % are wildcards
-- param: errors_only bool default false Only events that failed
-- example: trail query top-talkers --since 24h --limit 10
SELECT a.origin_type, a.origin_id, a.origin_detail,
       count(*) AS events, count(a.error_code) AS errors,
       count(DISTINCT a.session_key) AS sessions,
       count(DISTINCT a.account_id) AS accounts,
       count(DISTINCT a.event_source) AS services,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
FROM event_attribution a
WHERE (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:region IS NULL OR a.region = :region)
  AND (:service IS NULL OR a.event_source = :service)
  AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\')
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
GROUP BY a.origin_type, a.origin_id, a.origin_detail
ORDER BY events DESC, a.origin_type, a.origin_id, a.origin_detail
LIMIT :limit;
