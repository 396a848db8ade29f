-- name: long-term-key-usage
-- description: Long-term access keys (AKIA…) in use: owner, events, errors, services and source addresses per key
-- param: key glob optional Only this access key; * or % are wildcards
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail query long-term-key-usage
-- example: trail query long-term-key-usage --key 'AKIA*' --since 90d
SELECT a.access_key_id, a.origin_type, a.origin_id AS owner, a.origin_account AS owner_account,
       count(*) AS events, count(a.error_code) AS errors,
       count(DISTINCT a.event_source) AS services,
       group_concat(DISTINCT a.source_ip_address) AS source_ips,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
FROM event_attribution a
WHERE a.access_key_id IS NOT NULL AND a.access_key_id >= 'AKIA' AND a.access_key_id < 'AKIB'
  AND (:key IS NULL OR a.access_key_id GLOB :key)
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
GROUP BY a.access_key_id, a.origin_type, a.origin_id, a.origin_account
ORDER BY max(a.event_ts) DESC, a.access_key_id;
