-- name: resource-access
-- description: Who touched a resource: every event naming a matching resource ARN (S3 objects included), with its attributed origin
-- param: resource glob required Resource ARN; * or % are wildcards, e.g. 'arn:aws:s3:::my-app-bucket/config/*'
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: event pattern optional Only this event name; * or % are wildcards
-- param: errors_only bool default false Only events that failed
-- example: trail query resource-access --resource 'arn:aws:s3:::my-app-bucket/*'
-- example: trail query resource-access --resource arn:aws:iam::444455556666:role/ProdAdmin
--
-- Matching is case-sensitive (S3 keys are). The matches come from resource_events, keyed by
-- ARN, so those of a literal prefix are neighbours; an event the attribution moved to another
-- session is found in event_links. Events stored after its last append (an ingest in progress)
-- are read from resources and the events, so the answer is exact at every moment. Each
-- session's origin and chain come from the narrow sessions_display, not its wide row.
WITH mark AS MATERIALIZED (
  SELECT coalesce((SELECT max_event_rowid FROM resource_events_state), 0) AS row),
hits AS (
  SELECT x.event_ts, x.event_id, x.position, x.arn, x.event_time, x.account, x.event_source, x.event_name, x.error_code,
         coalesce(l.session_id, x.session_id) AS session_id
  FROM resource_events x LEFT JOIN event_links l ON l.event_rowid = x.event_row
  WHERE x.arn GLOB :resource
    AND (:since IS NULL OR x.event_ts >= :since)
    AND (:until IS NULL OR x.event_ts < :until)
    AND (:account IS NULL OR x.account = :account)
    AND (:event IS NULL OR x.event_name LIKE :event ESCAPE '\')
    AND (NOT :errors_only OR x.error_code IS NOT NULL)
  UNION ALL
  SELECT e.event_ts, e.event_id, r.position, r.arn, e.event_time, coalesce(e.recipient_account_id, e.identity_account_id),
         e.event_source, e.event_name, e.error_code, e.session_id
  FROM mark CROSS JOIN resources r CROSS JOIN event_rows e ON e.id = r.event_row
  WHERE r.event_row > mark.row AND r.arn GLOB :resource
    AND (:since IS NULL OR e.event_ts >= :since)
    AND (:until IS NULL OR e.event_ts < :until)
    AND (:account IS NULL OR coalesce(e.recipient_account_id, e.identity_account_id) = :account)
    AND (:event IS NULL OR e.event_name LIKE :event ESCAPE '\')
    AND (NOT :errors_only OR e.error_code IS NOT NULL))
SELECT h.event_time AS time, h.arn AS resource, h.account,
       coalesce(s.origin_type, 'unknown') AS origin_type, s.origin_id, s.origin_detail,
       coalesce(s.chain_roles, '(direct)') AS chain,
       replace(h.event_source, '.amazonaws.com', '') || ':' || h.event_name AS event,
       h.error_code AS error, h.event_id
FROM hits h LEFT JOIN sessions s INDEXED BY sessions_display ON s.id = h.session_id
ORDER BY h.event_ts, h.event_id, h.position;
