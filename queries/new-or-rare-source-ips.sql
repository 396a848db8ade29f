-- name: new-or-rare-source-ips
-- description: Source IPs seen for the first time in a window (new), or in only a few events during it (rare), with who used them
-- param: since time default 7d Start of the window: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional End of the window (default: no end)
-- param: rare_max int default 2 An address seen in at most this many events in the window is rare
-- param: account text optional Only events in this AWS account
-- example: trail query new-or-rare-source-ips --since 24h
--
-- AWS services calling on someone's behalf write their own name (ec2.amazonaws.com) or
-- "AWS Internal" as the source address; those are not addresses and are left out.
WITH history AS (
  SELECT source_ip_address AS ip, min(event_ts) AS first_ts
  FROM events
  WHERE source_ip_address IS NOT NULL
  GROUP BY source_ip_address
), in_window AS (
  SELECT a.source_ip_address AS ip, count(*) AS events, max(a.event_ts) AS last_ts,
         group_concat(DISTINCT coalesce(a.origin_id, a.origin_type) || coalesce(' (' || a.origin_detail || ')', '')) AS origins
  FROM event_attribution a
  WHERE a.event_ts >= :since AND (:until IS NULL OR a.event_ts < :until)
    AND a.source_ip_address IS NOT NULL
    AND a.source_ip_address NOT LIKE '%.amazonaws.com'
    AND a.source_ip_address <> 'AWS Internal'
    AND (:account IS NULL OR a.account_id = :account)
  GROUP BY a.source_ip_address
)
SELECT w.ip AS source_ip,
       CASE WHEN h.first_ts >= :since THEN 'new' ELSE 'rare' END AS status,
       w.events AS events_in_window,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', w.last_ts, 'unixepoch') AS last_seen,
       w.origins
FROM in_window w JOIN history h ON h.ip = w.ip
WHERE h.first_ts >= :since OR w.events <= :rare_max
ORDER BY status, w.ip;
