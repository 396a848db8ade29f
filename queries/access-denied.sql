-- name: access-denied
-- description: Access-denied and unauthorized errors by identity, chain, account and API call
-- param: identity pattern optional Only this identity (matched as in identity-activity); * or % are wildcards
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: region text optional Only events in this region
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: event pattern optional Only this event name; * or % are wildcards
-- example: trail query access-denied --since 24h
-- example: trail query access-denied --identity alice
SELECT a.origin_type, a.origin_id, a.origin_detail,
       coalesce((SELECT group_concat(substr(replace(value, ':role/', ':'), instr(replace(value, ':role/', ':'), '::') + 2), ' > ')
                   FROM json_each(a.chain)), '(direct)') AS chain,
       a.account_id AS account,
       replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
       a.error_code, count(*) AS denials,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(a.event_ts), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(a.event_ts), 'unixepoch') AS last_seen
FROM event_attribution a
WHERE a.error_code IS NOT NULL
  AND (a.error_code LIKE '%AccessDenied%' OR a.error_code LIKE '%Unauthorized%' OR a.error_code LIKE '%Forbidden%')
  AND (:identity IS NULL OR a.session_key IN (
        SELECT s.session_key FROM sessions s
        WHERE s.origin_id LIKE :identity ESCAPE '\'
           OR s.origin_detail LIKE :identity ESCAPE '\'
           OR s.session_arn LIKE :identity ESCAPE '\'
           OR s.origin_id LIKE 'arn:%:user/' || :identity ESCAPE '\'
           OR s.origin_id LIKE 'arn:%:user/%/' || :identity ESCAPE '\'))
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:region IS NULL OR a.region = :region)
  AND (:service IS NULL OR a.event_source = :service)
  AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\')
GROUP BY a.origin_type, a.origin_id, a.origin_detail, a.chain, a.account_id, a.event_source, a.event_name, a.error_code
ORDER BY denials DESC, max(a.event_ts) DESC, a.origin_id, event;
