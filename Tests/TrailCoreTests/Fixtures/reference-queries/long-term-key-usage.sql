-- The event-level formulation long-term-key-usage had before it read the activity roll-up (as of commit aea8295), kept
-- as the reference the roll-up version must agree with (ActivityRollupTests).
WITH k AS (
  SELECT e.access_key_id, s.origin_type, s.origin_id, s.origin_account, e.error_code, e.event_source,
         e.source_ip_address, e.event_ts
  FROM sessions s CROSS JOIN event_rows e ON e.session_id = s.id
  WHERE s.id IN (SELECT k.session_id FROM session_access_keys k WHERE k.access_key_id >= 'AKIA' AND k.access_key_id < 'AKIB'
                 UNION SELECT l.session_id FROM event_links l JOIN event_rows m ON m.id = l.event_rowid
                       WHERE m.access_key_id >= 'AKIA' AND m.access_key_id < 'AKIB')
    AND e.access_key_id >= 'AKIA' AND e.access_key_id < 'AKIB'
    AND (:key IS NULL OR e.access_key_id GLOB :key)
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)),
ips AS MATERIALIZED (
  SELECT access_key_id, origin_type, origin_id, origin_account, group_concat(source_ip_address) AS list
  FROM (SELECT DISTINCT access_key_id, origin_type, origin_id, origin_account, source_ip_address FROM k
        WHERE source_ip_address IS NOT NULL ORDER BY 1, 2, 3, 4, 5)
  GROUP BY 1, 2, 3, 4)
SELECT k.access_key_id, k.origin_type, k.origin_id AS owner, k.origin_account AS owner_account,
       count(*) AS events, count(k.error_code) AS errors,
       count(DISTINCT k.event_source) AS services,
       (SELECT i.list FROM ips i WHERE i.access_key_id = k.access_key_id AND i.origin_type = k.origin_type
          AND i.origin_id IS k.origin_id AND i.origin_account IS k.origin_account) AS source_ips,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(k.event_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(k.event_ts), 'unixepoch') AS last_seen
FROM k
GROUP BY k.access_key_id, k.origin_type, k.origin_id, k.origin_account
ORDER BY max(k.event_ts) DESC, k.access_key_id;
