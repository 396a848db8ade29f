-- name: cross-account-access
-- description: Outside principals acting in an account: events whose origin belongs to another account, by account, origin and chain
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this (target) AWS account
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: errors_only bool default false Only events that failed
-- example: trail query cross-account-access
-- example: trail query cross-account-access --account 444455556666 --since 30d
--
-- "Outside" means the attributed origin's account differs from the account the event happened
-- in; SAML, web-identity and Identity Center origins have no account and are not listed.
--
-- Grouped first, over the sessions and their events in the covering activity index; the
-- chain is spelled out once per group rather than once per event.
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
