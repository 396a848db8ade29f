-- name: hygiene-keys-many-ips
-- description: Long-term access keys used from several source IP addresses
-- report: hygiene-keys-many-ips
-- title: Access keys used from many IP addresses
-- severity: medium
-- rationale: A key used from many addresses is shared, or stolen and replayed from elsewhere.
-- param: min_ips int default 3 Report keys seen from at least this many addresses
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-keys-many-ips --since 7d
SELECT min(a.event_time) AS first_seen, max(a.event_time) AS last_seen, a.account_id AS account, a.access_key_id AS access_key,
       a.origin_id AS origin, count(DISTINCT a.source_ip_address) AS source_ips, count(*) AS events,
       (SELECT group_concat(ip, ' ') FROM (SELECT DISTINCT a2.source_ip_address AS ip FROM event_attribution a2
          WHERE a2.access_key_id = a.access_key_id AND a2.account_id = a.account_id
            AND (:since IS NULL OR a2.event_ts >= :since) AND (:until IS NULL OR a2.event_ts < :until) ORDER BY 1)) AS addresses
FROM event_attribution a
WHERE a.access_key_id GLOB 'AKIA*'
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
GROUP BY a.account_id, a.access_key_id, a.origin_id
HAVING count(DISTINCT a.source_ip_address) >= :min_ips
ORDER BY source_ips DESC, access_key, account, origin;
