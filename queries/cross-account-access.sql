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
SELECT a.account_id AS account, a.origin_account, a.origin_type, a.origin_id, a.origin_detail,
       coalesce((SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
                   FROM json_each(a.chain)), '(direct)') AS chain,
       count(DISTINCT a.session_key) AS sessions, count(*) AS events, count(a.error_code) AS errors,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
FROM event_attribution a
WHERE a.origin_account IS NOT NULL AND a.account_id IS NOT NULL AND a.origin_account <> a.account_id
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:service IS NULL OR a.event_source = :service)
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
GROUP BY a.account_id, a.origin_account, a.origin_type, a.origin_id, a.origin_detail, a.chain
ORDER BY a.account_id, a.origin_account, a.origin_id, chain;
