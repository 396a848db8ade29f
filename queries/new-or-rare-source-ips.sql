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
--
-- Each address as the roll-up (a row per session, account, region, key and address) sees it:
-- its first sighting ever, the events of its rows that lie wholly inside the window, and
-- whether a row of it crosses a window boundary, so that its events fall on both sides.
-- Only addresses with such a row, and that could be listed (new ones, or ones that the
-- wholly-inside rows leave rare), are counted from their events, on the address index;
-- every other address counts from the roll-up alone. While the roll-up lags the events (an
-- ingest in progress, or one that was interrupted), everything is counted from the events.
-- Origins are listed in sorted order so the output does not depend on the plan.
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
addr AS MATERIALIZED (
  SELECT r.source_ip_address AS ip, min(r.first_ts) AS first_ts,
         sum(CASE WHEN r.first_ts >= :since AND (:until IS NULL OR r.last_ts < :until)
                       AND (:account IS NULL OR r.account = :account) THEN r.events ELSE 0 END) AS inside,
         max(((r.first_ts < :since AND r.last_ts >= :since) OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until))
             AND (:account IS NULL OR r.account = :account)) AS crossing
  FROM fresh CROSS JOIN activity_rollup r
  WHERE fresh.ok AND r.source_ip_address IS NOT NULL
  GROUP BY 1),
exact AS MATERIALIZED (
  SELECT a.ip FROM addr a WHERE a.crossing AND (a.first_ts >= :since OR a.inside <= :rare_max)),
-- The window's use of each address, per session (0: the events with no identity).
used AS MATERIALIZED (
  SELECT e.source_ip_address AS ip, coalesce(e.session_id, 0) AS session_id, count(*) AS events, max(e.event_ts) AS last_ts
  FROM exact x CROSS JOIN event_rows e ON e.source_ip_address = x.ip
  WHERE e.event_ts >= :since AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY 1, 2
  UNION ALL
  SELECT r.source_ip_address, r.session_id, sum(r.events), max(r.last_ts)
  FROM fresh CROSS JOIN activity_rollup r
  WHERE fresh.ok AND r.source_ip_address IS NOT NULL AND r.source_ip_address NOT IN (SELECT ip FROM exact)
    AND r.first_ts >= :since AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account)
  GROUP BY 1, 2
  UNION ALL
  SELECT e.source_ip_address, coalesce(e.session_id, 0), count(*), max(e.event_ts)
  FROM fresh CROSS JOIN event_rows e
  WHERE NOT fresh.ok AND e.source_ip_address IS NOT NULL
    AND e.event_ts >= :since AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY 1, 2),
-- Each address's first sighting, ever.
first_seen AS MATERIALIZED (
  SELECT a.ip, a.first_ts FROM addr a
  UNION ALL
  SELECT e.source_ip_address, min(e.event_ts)
  FROM fresh CROSS JOIN event_rows e
  WHERE NOT fresh.ok AND e.source_ip_address IS NOT NULL
  GROUP BY 1),
listed AS (
  SELECT u.ip, f.first_ts, sum(u.events) AS events, max(u.last_ts) AS last_ts
  FROM used u JOIN first_seen f ON f.ip = u.ip
  WHERE u.ip NOT LIKE '%.amazonaws.com' AND u.ip <> 'AWS Internal'
  GROUP BY u.ip)
SELECT l.ip AS source_ip,
       CASE WHEN l.first_ts >= :since THEN 'new' ELSE 'rare' END AS status,
       l.events AS events_in_window,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.last_ts, 'unixepoch') AS last_seen,
       (SELECT group_concat(origin) FROM (
          SELECT DISTINCT coalesce(s.origin_id, coalesce(s.origin_type, 'unknown')) || coalesce(' (' || s.origin_detail || ')', '') AS origin
          FROM used u LEFT JOIN sessions s ON s.id = u.session_id
          WHERE u.ip = l.ip
          ORDER BY 1)) AS origins
FROM listed l
WHERE l.events > 0 AND (l.first_ts >= :since OR l.events <= :rare_max)
ORDER BY status, l.ip;
