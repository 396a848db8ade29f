-- name: hygiene-long-term-key-usage
-- description: Principals acting with long-term access keys (AKIA), against their temporary-credential activity
-- report: hygiene-long-term-keys
-- title: Long-term access keys in use
-- severity: medium
-- rationale: Long-term keys do not expire and leak from laptops and CI; each principal here could use role sessions instead.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-long-term-key-usage --since 7d
SELECT min(time) AS first_seen, max(time) AS last_seen, origin_type, origin,
       sum(access_key_id GLOB 'AKIA*') AS long_term_events,
       sum(access_key_id GLOB 'ASIA*') AS temporary_events,
       count(DISTINCT CASE WHEN access_key_id GLOB 'AKIA*' THEN access_key_id END) AS long_term_keys,
       group_concat(DISTINCT CASE WHEN access_key_id GLOB 'AKIA*' THEN access_key_id END) AS keys,
       group_concat(DISTINCT account) AS accounts
FROM event_findings
WHERE origin_type IN ('iam_user', 'root')
  AND (:since IS NULL OR event_ts >= :since)
  AND (:until IS NULL OR event_ts < :until)
  AND (:account IS NULL OR account = :account)
GROUP BY origin_type, origin
HAVING long_term_events > 0
ORDER BY long_term_events DESC, origin;
