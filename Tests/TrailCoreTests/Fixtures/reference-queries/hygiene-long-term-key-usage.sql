-- The event-level formulation hygiene-long-term-key-usage had before it read the activity roll-up (as of commit 60d0a2f), kept
-- as the reference the roll-up version must agree with (ActivityRollupTests).
WITH g AS MATERIALIZED (
  -- One pass over the events, down to a row per origin, long-term key (or none), credential
  -- kind and account; the lists and totals below are read from these few rows.
  SELECT s.origin_type, coalesce(s.origin_id, '') AS origin,
         CASE WHEN e.access_key_id GLOB 'AKIA*' THEN e.access_key_id END AS long_term_key,
         coalesce(e.access_key_id GLOB 'ASIA*', 0) AS temporary,
         coalesce(e.recipient_account_id, e.identity_account_id) AS account,
         count(*) AS events, min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM sessions s CROSS JOIN event_rows e ON e.session_id = s.id
  WHERE s.origin_type IN ('iam_user', 'root')
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
  GROUP BY 1, 2, 3, 4, 5),
key_lists AS (
  SELECT origin_type, origin, group_concat(long_term_key, ',') AS keys, count(*) AS long_term_keys
  FROM (SELECT DISTINCT origin_type, origin, long_term_key FROM g WHERE long_term_key IS NOT NULL ORDER BY 1, 2, 3)
  GROUP BY origin_type, origin),
account_lists AS (
  SELECT origin_type, origin, group_concat(account, ',') AS accounts
  FROM (SELECT DISTINCT origin_type, origin, account FROM g WHERE account IS NOT NULL ORDER BY 1, 2, 3)
  GROUP BY origin_type, origin)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(g.first_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(g.last_ts), 'unixepoch') AS last_seen, g.origin_type, g.origin,
       sum(CASE WHEN g.long_term_key IS NOT NULL THEN g.events ELSE 0 END) AS long_term_events,
       sum(CASE WHEN g.temporary THEN g.events ELSE 0 END) AS temporary_events,
       k.long_term_keys, k.keys, l.accounts
FROM g JOIN key_lists k ON k.origin_type = g.origin_type AND k.origin = g.origin
  LEFT JOIN account_lists l ON l.origin_type = g.origin_type AND l.origin = g.origin
GROUP BY g.origin_type, g.origin
HAVING long_term_events > 0
ORDER BY long_term_events DESC, g.origin_type, g.origin;
