-- The event-level formulation cross-account-access had before it read the activity roll-up (as of commit 60d0a2f), kept
-- as the reference the roll-up version must agree with (ActivityRollupTests).
SELECT x.account, x.origin_account, x.origin_type, x.origin_id, x.origin_detail,
       coalesce((SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
                   FROM json_each(x.chain)), '(direct)') AS chain,
       x.sessions, x.events, x.errors,
       strftime('%Y-%m-%dT%H:%M:%SZ', x.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', x.last_ts, 'unixepoch') AS last_seen
FROM (
  SELECT coalesce(e.recipient_account_id, e.identity_account_id) AS account, s.origin_account, s.origin_type, s.origin_id,
         s.origin_detail, s.chain, count(DISTINCT e.session_id) AS sessions, count(*) AS events, count(e.error_code) AS errors,
         min(e.event_ts) AS first_ts, max(e.event_ts) AS last_ts
  FROM sessions s CROSS JOIN event_rows e ON e.session_id = s.id
  WHERE s.origin_account IS NOT NULL
    AND coalesce(e.recipient_account_id, e.identity_account_id) <> s.origin_account
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:service IS NULL OR e.event_source = :service)
    AND (NOT :errors_only OR e.error_code IS NOT NULL)
  GROUP BY 1, 2, 3, 4, 5, 6) x
ORDER BY x.account, x.origin_account, x.origin_id, chain;
