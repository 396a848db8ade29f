-- name: identity-activity
-- description: Everything an identity did, directly and through every role chain it started
-- param: identity pattern required IAM user name or ARN, SAML/OIDC subject, SSO user, AWS service, EC2 instance id, Lambda function name, or session ARN; * or % are wildcards
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: region text optional Only events in this region
-- param: service service optional Only this service (s3 or s3.amazonaws.com)
-- param: event pattern optional Only this event name; * or % are wildcards
-- param: errors_only bool default false Only events that failed
-- example: trail query identity-activity --identity alice
-- example: trail query identity-activity --identity i-0a1b2c3d4e5f67890 --service s3
--
-- The identity is matched against the origin each session was attributed to (origin_id and
-- origin_detail), against IAM user names inside origin ARNs, and against the session's own ARN.
-- CROSS JOIN: read the matching sessions first, then their events through the session index.
--
-- The matching sessions first, each with its chain spelled out once, then their events from
-- the session index.
WITH matched AS MATERIALIZED (
  SELECT s.id, s.origin_type, s.origin_id, s.origin_detail,
         coalesce(s.chain_roles, '(direct)') AS chain
  FROM (
    -- Only the id here, so the three names are read from the sessions_identity index; each
    -- match is then read by id (CROSS JOIN keeps that order).
    SELECT s.id FROM sessions s
    WHERE s.origin_id LIKE :identity ESCAPE '\'
       OR s.origin_detail LIKE :identity ESCAPE '\'
       OR s.session_arn LIKE :identity ESCAPE '\'
       OR s.origin_id LIKE 'arn:%:user/' || :identity ESCAPE '\'
       OR s.origin_id LIKE 'arn:%:user/%/' || :identity ESCAPE '\') matched_ids
  CROSS JOIN sessions s ON s.id = matched_ids.id)
SELECT a.event_time AS time, a.account_id AS account, a.region,
       m.origin_type, m.origin_id, m.origin_detail, m.chain,
       replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
       (SELECT group_concat(arn, ', ') FROM (SELECT r.arn FROM resources r WHERE r.event_row = a.event_rowid ORDER BY r.position)) AS resources,
       a.error_code AS error, a.event_id
FROM matched m CROSS JOIN event_attribution a ON a.session_id = m.id
WHERE (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:region IS NULL OR a.region = :region)
  AND (:service IS NULL OR a.event_source = :service)
  AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\')
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
ORDER BY a.event_ts, a.event_id;
