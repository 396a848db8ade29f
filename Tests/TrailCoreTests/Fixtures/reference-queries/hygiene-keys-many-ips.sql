-- The event-level formulation hygiene-keys-many-ips had before it read the activity roll-up (as of commit 60d0a2f), kept
-- as the reference the roll-up version must agree with (ActivityRollupTests).
WITH k AS (
  SELECT coalesce(e.recipient_account_id, e.identity_account_id) AS account, e.access_key_id, s.origin_id,
         e.source_ip_address, e.event_ts
  FROM sessions s CROSS JOIN event_rows e ON e.session_id = s.id
  WHERE s.id IN (SELECT k.session_id FROM session_access_keys k WHERE k.access_key_id >= 'AKIA' AND k.access_key_id < 'AKIB'
                 UNION SELECT l.session_id FROM event_links l)
    AND e.access_key_id GLOB 'AKIA*'
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account))
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(k.event_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(k.event_ts), 'unixepoch') AS last_seen,
       k.account, k.access_key_id AS access_key, k.origin_id AS origin,
       count(DISTINCT k.source_ip_address) AS source_ips, count(*) AS events,
       (SELECT group_concat(ip, ' ') FROM (SELECT DISTINCT k2.source_ip_address AS ip FROM k k2
          WHERE k2.access_key_id = k.access_key_id AND k2.account IS k.account AND k2.source_ip_address IS NOT NULL ORDER BY 1)) AS addresses
FROM k
GROUP BY k.account, k.access_key_id, k.origin_id
HAVING count(DISTINCT k.source_ip_address) >= :min_ips
ORDER BY source_ips DESC, access_key, account, origin;
