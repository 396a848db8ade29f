-- The event-level formulation access-denied had before it read error_events (as of commit 7bb362f),
-- kept as the reference the error_events version must agree with (ActivityRollupTests).
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
--
-- The denied events come from the error index, which carries everything the grouping needs;
-- each session's chain is read as stored, spelled as role names (sessions.chain_roles).
WITH denied AS (
  SELECT e.session_id, coalesce(e.recipient_account_id, e.identity_account_id) AS account,
         e.event_source, e.event_name, e.error_code, e.event_ts
  FROM event_rows e
  WHERE e.error_code IS NOT NULL
    AND (e.error_code LIKE '%AccessDenied%' OR e.error_code LIKE '%Unauthorized%' OR e.error_code LIKE '%Forbidden%')
    AND (:identity IS NULL OR e.session_id IN (
          SELECT s.id FROM sessions s
          WHERE s.origin_id LIKE :identity ESCAPE '\'
             OR s.origin_detail LIKE :identity ESCAPE '\'
             OR s.session_arn LIKE :identity ESCAPE '\'
             OR s.origin_id LIKE 'arn:%:user/' || :identity ESCAPE '\'
             OR s.origin_id LIKE 'arn:%:user/%/' || :identity ESCAPE '\'))
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:region IS NULL OR e.aws_region = :region)
    AND (:service IS NULL OR e.event_source = :service)
    AND (:event IS NULL OR e.event_name LIKE :event ESCAPE '\')
), grouped AS (
  SELECT coalesce(s.origin_type, 'unknown') AS origin_type, s.origin_id, s.origin_detail,
         s.chain_roles, d.account, d.event_source, d.event_name, d.error_code,
         count(*) AS denials, min(d.event_ts) AS first_ts, max(d.event_ts) AS last_ts
  FROM denied d LEFT JOIN sessions s ON s.id = d.session_id
  GROUP BY 1, 2, 3, 4, d.account, d.event_source, d.event_name, d.error_code
)
SELECT g.origin_type, g.origin_id, g.origin_detail,
       coalesce(g.chain_roles, '(direct)') AS chain,
       g.account,
       replace(g.event_source, '.amazonaws.com', '') || ':' || g.event_name AS event,
       g.error_code, g.denials,
       strftime('%Y-%m-%dT%H:%M:%SZ', g.first_ts, 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', g.last_ts, 'unixepoch') AS last_seen
FROM grouped g
ORDER BY g.denials DESC, g.last_ts DESC, g.origin_id, event;
