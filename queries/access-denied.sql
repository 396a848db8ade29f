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
-- While the roll-ups are current, the denied calls come from error_events, whose origin index
-- hands them over already in grouping order. Otherwise (an ingest in progress, or one that was
-- interrupted) they come from the error index of the events, each with its session; the chain
-- is the session's as stored, spelled as role names (sessions.chain_roles).
WITH fresh AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM rollup_state), -1) = coalesce((SELECT max(id) FROM event_rows), -1) AS ok),
identity_sessions AS (
  SELECT s.id FROM sessions s
  WHERE s.origin_id LIKE :identity ESCAPE '\'
     OR s.origin_detail LIKE :identity ESCAPE '\'
     OR s.session_arn LIKE :identity ESCAPE '\'
     OR s.origin_id LIKE 'arn:%:user/' || :identity ESCAPE '\'
     OR s.origin_id LIKE 'arn:%:user/%/' || :identity ESCAPE '\'),
grouped AS (
  SELECT x.origin_type, x.origin_id, x.origin_detail, x.chain_roles, x.account, x.event_source, x.event_name, x.error_code,
         count(*) AS denials, min(x.event_ts) AS first_ts, max(x.event_ts) AS last_ts
  FROM error_events x
  WHERE (SELECT ok FROM fresh)
    AND (x.error_code LIKE '%AccessDenied%' OR x.error_code LIKE '%Unauthorized%' OR x.error_code LIKE '%Forbidden%')
    AND (:identity IS NULL OR x.session_id IN identity_sessions)
    AND (:since IS NULL OR x.event_ts >= :since)
    AND (:until IS NULL OR x.event_ts < :until)
    AND (:account IS NULL OR x.account = :account)
    AND (:region IS NULL OR x.region = :region)
    AND (:service IS NULL OR x.event_source = :service)
    AND (:event IS NULL OR x.event_name LIKE :event ESCAPE '\')
  GROUP BY x.origin_type, x.origin_id, x.origin_detail, x.chain_roles, x.account, x.event_source, x.event_name, x.error_code
  UNION ALL
  SELECT coalesce(s.origin_type, 'unknown'), s.origin_id, s.origin_detail, s.chain_roles,
         coalesce(e.recipient_account_id, e.identity_account_id) AS account, e.event_source, e.event_name, e.error_code,
         count(*), min(e.event_ts), max(e.event_ts)
  FROM fresh CROSS JOIN event_rows e LEFT JOIN sessions s ON s.id = e.session_id
  WHERE NOT fresh.ok
    AND e.error_code IS NOT NULL
    AND (e.error_code LIKE '%AccessDenied%' OR e.error_code LIKE '%Unauthorized%' OR e.error_code LIKE '%Forbidden%')
    AND (:identity IS NULL OR e.session_id IN identity_sessions)
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:region IS NULL OR e.aws_region = :region)
    AND (:service IS NULL OR e.event_source = :service)
    AND (:event IS NULL OR e.event_name LIKE :event ESCAPE '\')
  GROUP BY 1, 2, 3, 4, 5, e.event_source, e.event_name, e.error_code
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
