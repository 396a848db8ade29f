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
-- While the roll-ups are current, an address whose whole use lies inside the window (with no
-- account filter) is listed from its totals over all time (address_totals), and the others
-- used in the window are read from the address roll-up, each in one pass over its rows: its
-- events and last use in the rows that lie wholly inside the window, their origins (the table
-- keeps them in order), and whether a row of it crosses a window boundary, so that its events
-- fall on both sides. Only addresses with such a row, and that could be listed (new ones, or
-- ones the wholly-inside rows leave rare), are counted from their events, on the address
-- index, with their sessions' origins. While the roll-ups lag the events (an ingest in
-- progress, or one that was interrupted), every address is counted from the events. Origins are
-- listed in sorted order so the output does not depend on the plan.
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
whole AS (
  SELECT t.source_ip_address AS ip, t.first_ts, t.events, t.last_ts, t.origins
  FROM address_totals t
  WHERE (SELECT ok FROM fresh) AND :account IS NULL
    AND t.first_ts >= :since AND (:until IS NULL OR t.last_ts < :until)),
addr AS MATERIALIZED (
  SELECT t.source_ip_address AS ip, t.first_ts,
         sum(CASE WHEN r.first_ts >= :since AND (:until IS NULL OR r.last_ts < :until)
                       AND (:account IS NULL OR r.account = :account) THEN r.events ELSE 0 END) AS inside,
         max(CASE WHEN r.first_ts >= :since AND (:until IS NULL OR r.last_ts < :until)
                       AND (:account IS NULL OR r.account = :account) THEN r.last_ts END) AS last_ts,
         -- In origin order: the table holds each address's rows sorted by origin_label.
         group_concat(DISTINCT CASE WHEN r.first_ts >= :since AND (:until IS NULL OR r.last_ts < :until)
                                         AND (:account IS NULL OR r.account = :account) THEN r.origin_label END) AS origins,
         max(((r.first_ts < :since AND r.last_ts >= :since) OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until))
             AND (:account IS NULL OR r.account = :account)) AS crossing
  FROM address_totals t CROSS JOIN address_rollup r ON r.source_ip_address = t.source_ip_address
  WHERE (SELECT ok FROM fresh)
    AND t.last_ts >= :since AND (:until IS NULL OR t.first_ts < :until)
    AND NOT (:account IS NULL AND t.first_ts >= :since AND (:until IS NULL OR t.last_ts < :until))
  GROUP BY t.source_ip_address),
-- The addresses counted from their events: those a crossing row leaves uncertain, or all of
-- them while the roll-up lags.
exact AS MATERIALIZED (
  SELECT a.ip, a.first_ts FROM addr a WHERE a.crossing AND (a.first_ts >= :since OR a.inside <= :rare_max)
  UNION ALL
  SELECT e.source_ip_address, min(e.event_ts)
  FROM fresh CROSS JOIN event_rows e
  WHERE NOT fresh.ok AND e.source_ip_address IS NOT NULL
  GROUP BY 1),
-- Their use in the window, per session (0: the events with no identity), with their first
-- sighting. (Joining exact again later would make SQLite 3.40 build a Bloom filter over every
-- event's address first.)
used AS MATERIALIZED (
  SELECT e.source_ip_address AS ip, x.first_ts, coalesce(e.session_id, 0) AS session_id, count(*) AS events,
         max(e.event_ts) AS last_ts
  FROM exact x CROSS JOIN event_rows e ON e.source_ip_address = x.ip
  WHERE e.event_ts >= :since AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY 1, 3),
-- Their origins, each address's in sorted order.
exact_origins AS MATERIALIZED (
  SELECT DISTINCT ip, group_concat(origin) OVER (PARTITION BY ip ORDER BY origin
                                                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS origins
  FROM (SELECT DISTINCT w.ip,
               coalesce(s.origin_id, coalesce(s.origin_type, 'unknown')) || coalesce(' (' || s.origin_detail || ')', '') AS origin
        FROM used w LEFT JOIN sessions s ON s.id = w.session_id)),
listed AS (
  SELECT ip, first_ts, events, last_ts, origins FROM whole
  UNION ALL
  SELECT a.ip, a.first_ts, a.inside AS events, a.last_ts, a.origins
  FROM addr a
  WHERE NOT (a.crossing AND (a.first_ts >= :since OR a.inside <= :rare_max))
  UNION ALL
  SELECT u.ip, min(u.first_ts), sum(u.events), max(u.last_ts), o.origins
  FROM used u JOIN exact_origins o ON o.ip = u.ip
  GROUP BY u.ip)
SELECT l.ip AS source_ip,
       CASE WHEN l.first_ts >= :since THEN 'new' ELSE 'rare' END AS status,
       l.events AS events_in_window,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.last_ts, 'unixepoch') AS last_seen,
       l.origins
FROM listed l
WHERE l.events > 0 AND (l.first_ts >= :since OR l.events <= :rare_max)
  AND l.ip NOT LIKE '%.amazonaws.com' AND l.ip <> 'AWS Internal'
ORDER BY status, l.ip;
