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
--
-- When the roll-ups are current and the filters are ones they carry (time, account, region),
-- the origins are ranked from the activity roll-up: a session whose rows lie inside the window
-- counts from its rows, one whose activity crosses a window boundary from its events. Only the
-- origins kept then have their distinct sessions, accounts and services counted, the same way
-- (services from the service roll-up). With a service, event or errors-only filter, or while the
-- roll-up lags the events (an ingest in progress, or one that was interrupted), every event in
-- the window is read instead: sessions in origin order, each one's events from the covering
-- index. Events with no identity (no session) count under the bare "unknown" origin, together
-- with the sessions attributed to nobody.
WITH ranked AS MATERIALIZED (
  -- Whether the roll-up can rank the origins.
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1)
         AND :service IS NULL AND :event IS NULL AND NOT :errors_only AS ok),
-- The sessions (0: the events with no identity) counted from their events.
edge AS MATERIALIZED (
  SELECT DISTINCT r.session_id FROM ranked CROSS JOIN activity_rollup r
  WHERE ranked.ok
    AND ((:since IS NOT NULL AND r.first_ts < :since AND r.last_ts >= :since)
      OR (:until IS NOT NULL AND r.first_ts < :until AND r.last_ts >= :until))),
-- The window's events and errors per origin, in three parts: the edge sessions' events, the
-- other sessions' roll-up rows (walked in origin order), and the roll-up's events with no
-- identity. (The event arm comes first: after the roll-up arms SQLite stops reading it from
-- the covering index alone.)
per_origin AS (
  SELECT coalesce(s.origin_type, 'unknown') AS origin_type, s.origin_id, s.origin_detail,
         count(*) AS events, count(e.error_code) AS errors, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM edge x CROSS JOIN event_rows e ON e.session_id IS nullif(x.session_id, 0) LEFT JOIN sessions s ON s.id = x.session_id
  WHERE (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:region IS NULL OR e.aws_region = :region)
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT s.origin_type, s.origin_id, s.origin_detail,
         sum(r.events) AS events, sum(r.errors) AS errors, min(r.first_ts) AS first_ts, max(r.last_ts) AS last_ts
  FROM sessions s CROSS JOIN activity_rollup r ON r.session_id = s.id
  WHERE (SELECT ok FROM ranked) AND s.id NOT IN (SELECT session_id FROM edge)
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account)
    AND (:region IS NULL OR r.region = :region)
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT 'unknown', NULL, NULL, sum(r.events), sum(r.errors), min(r.first_ts), max(r.last_ts)
  FROM ranked CROSS JOIN activity_rollup r
  WHERE ranked.ok AND r.session_id = 0 AND 0 NOT IN (SELECT session_id FROM edge)
    AND (:since IS NULL OR r.first_ts >= :since)
    AND (:until IS NULL OR r.last_ts < :until)
    AND (:account IS NULL OR r.account = :account)
    AND (:region IS NULL OR r.region = :region)
  HAVING count(*) > 0),
top AS MATERIALIZED (
  SELECT origin_type, origin_id, origin_detail, sum(events) AS events, sum(errors) AS errors,
         min(first_ts) AS first_ts, max(last_ts) AS last_ts
  FROM per_origin
  GROUP BY 1, 2, 3
  ORDER BY events DESC, 1, 2, 3
  LIMIT :limit),
counted AS MATERIALIZED (
  -- Each kept origin's distinct sessions, accounts and services (for "unknown", with the events
  -- that have no session: session 0 in the roll-ups), in one correlated subquery per origin: as
  -- a join, SQLite builds a Bloom filter over the whole activity index first.
  SELECT t.*, (
    -- The origin's sessions (0: the events with no identity, under "unknown").
    WITH m AS (
      SELECT s.id FROM sessions s
      WHERE s.origin_type = t.origin_type AND s.origin_id IS t.origin_id AND s.origin_detail IS t.origin_detail
      UNION ALL
      SELECT 0 WHERE t.origin_type = 'unknown' AND t.origin_id IS NULL AND t.origin_detail IS NULL)
    SELECT json_array(count(DISTINCT nullif(u.session_id, 0)), count(DISTINCT u.account), count(DISTINCT u.event_source))
    FROM (
      -- Sessions and accounts from the activity roll-up rows inside the window,
      SELECT r.session_id, r.account, NULL AS event_source
      FROM m CROSS JOIN activity_rollup r ON r.session_id = m.id
      WHERE m.id NOT IN (SELECT session_id FROM edge)
        AND (:since IS NULL OR r.first_ts >= :since)
        AND (:until IS NULL OR r.last_ts < :until)
        AND (:account IS NULL OR r.account = :account)
        AND (:region IS NULL OR r.region = :region)
      UNION ALL
      -- services from the service roll-up's (which has no account or region),
      SELECT v.session_id, NULL, v.event_source
      FROM m CROSS JOIN service_rollup v ON v.session_id = m.id
      WHERE :account IS NULL AND :region IS NULL AND m.id NOT IN (SELECT session_id FROM edge)
        AND (:since IS NULL OR v.first_ts >= :since)
        AND (:until IS NULL OR v.last_ts < :until)
      UNION ALL
      -- and all three from the events of the sessions that cross a boundary (of every
      -- session, for services, when an account or region is asked for).
      SELECT m.id, coalesce(e.recipient_account_id, e.identity_account_id), e.event_source
      FROM m CROSS JOIN event_rows e ON e.session_id IS nullif(m.id, 0)
      WHERE (m.id IN (SELECT session_id FROM edge) OR :account IS NOT NULL OR :region IS NOT NULL)
        AND (:since IS NULL OR e.event_ts >= :since)
        AND (:until IS NULL OR e.event_ts < :until)
        AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
        AND (:region IS NULL OR e.aws_region = :region)) u) AS counts
  FROM top t),
-- The slow path: every event in the window, filtered; flattened into each arm below.
w AS NOT MATERIALIZED (
  SELECT e.session_id, e.event_ts, e.error_code, e.event_source,
         coalesce(e.recipient_account_id, e.identity_account_id) AS account
  FROM event_rows e
  WHERE (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:region IS NULL OR e.aws_region = :region)
    AND (:service IS NULL OR e.event_source = :service)
    AND (:event IS NULL OR e.event_name LIKE :event ESCAPE '\')
    AND (NOT :errors_only OR e.error_code IS NOT NULL))
SELECT * FROM (
  SELECT origin_type, origin_id, origin_detail, events, errors, json_extract(counts, '$[0]') AS sessions,
         json_extract(counts, '$[1]') AS accounts, json_extract(counts, '$[2]') AS services,
         strftime('%Y-%m-%dT%H:%M:%SZ', first_ts, 'unixepoch') AS first_seen,
         strftime('%Y-%m-%dT%H:%M:%SZ', last_ts, 'unixepoch') AS last_seen
  FROM counted
  UNION ALL
  SELECT s.origin_type, s.origin_id, s.origin_detail,
         count(*), count(w.error_code), count(DISTINCT w.session_id),
         count(DISTINCT w.account), count(DISTINCT w.event_source),
         strftime('%Y-%m-%dT%H:%M:%SZ', min(w.event_ts), 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%SZ', max(w.event_ts), 'unixepoch')
  FROM sessions s CROSS JOIN w ON w.session_id = s.id
  WHERE NOT (SELECT ok FROM ranked) AND NOT (s.origin_type = 'unknown' AND s.origin_id IS NULL AND s.origin_detail IS NULL)
  GROUP BY s.origin_type, s.origin_id, s.origin_detail
  UNION ALL
  SELECT 'unknown', NULL, NULL,
         count(*), count(w.error_code), count(DISTINCT w.session_id),
         count(DISTINCT w.account), count(DISTINCT w.event_source),
         strftime('%Y-%m-%dT%H:%M:%SZ', min(w.event_ts), 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%SZ', max(w.event_ts), 'unixepoch')
  FROM w
  WHERE NOT (SELECT ok FROM ranked) AND (w.session_id IS NULL OR w.session_id IN (
          SELECT u.id FROM sessions u WHERE u.origin_type = 'unknown' AND u.origin_id IS NULL AND u.origin_detail IS NULL))
  HAVING count(*) > 0)
ORDER BY events DESC, origin_type, origin_id, origin_detail
LIMIT :limit;
