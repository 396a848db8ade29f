-- The event-level formulation new-or-rare-source-ips had before it read the activity roll-up (as of commit 60d0a2f), kept
-- as the reference the roll-up version must agree with (ActivityRollupTests).
WITH per_ip AS (
  SELECT source_ip_address AS ip, min(event_ts) AS first_ts,
         sum(event_ts >= :since AND (:until IS NULL OR event_ts < :until)) AS events,
         max(CASE WHEN event_ts >= :since AND (:until IS NULL OR event_ts < :until) THEN event_ts END) AS last_ts
  FROM events
  WHERE source_ip_address IS NOT NULL
  GROUP BY source_ip_address
), in_account AS (
  -- Only when an account is asked for: the window's events in that account.
  SELECT source_ip_address AS ip, count(*) AS events, max(event_ts) AS last_ts
  FROM events
  WHERE :account IS NOT NULL AND source_ip_address IS NOT NULL
    AND event_ts >= :since AND (:until IS NULL OR event_ts < :until)
    AND coalesce(recipient_account_id, identity_account_id) = :account
  GROUP BY source_ip_address
), listed AS (
  SELECT p.ip, p.first_ts,
         CASE WHEN :account IS NULL THEN p.events ELSE a.events END AS events,
         CASE WHEN :account IS NULL THEN p.last_ts ELSE a.last_ts END AS last_ts
  FROM per_ip p LEFT JOIN in_account a ON a.ip = p.ip
  WHERE p.ip NOT LIKE '%.amazonaws.com' AND p.ip <> 'AWS Internal'
)
SELECT l.ip AS source_ip,
       CASE WHEN l.first_ts >= :since THEN 'new' ELSE 'rare' END AS status,
       l.events AS events_in_window,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.last_ts, 'unixepoch') AS last_seen,
       (SELECT group_concat(origin) FROM (
          SELECT DISTINCT coalesce(s.origin_id, coalesce(s.origin_type, 'unknown')) || coalesce(' (' || s.origin_detail || ')', '') AS origin
          FROM (SELECT e.session_id FROM event_rows e
                WHERE :account IS NULL AND e.source_ip_address = l.ip AND e.event_ts >= :since AND (:until IS NULL OR e.event_ts < :until)
                UNION
                SELECT e.session_id FROM event_rows e
                WHERE :account IS NOT NULL AND e.source_ip_address = l.ip AND e.event_ts >= :since AND (:until IS NULL OR e.event_ts < :until)
                  AND coalesce(e.recipient_account_id, e.identity_account_id) = :account) d
          LEFT JOIN sessions s ON s.id = d.session_id
          ORDER BY 1)) AS origins
FROM listed l
WHERE l.events > 0 AND (l.first_ts >= :since OR l.events <= :rare_max)
ORDER BY status, l.ip;
