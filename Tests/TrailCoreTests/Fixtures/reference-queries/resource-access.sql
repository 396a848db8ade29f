-- The formulation resource-access had before it read resource_events (as of commit e3168ee),
-- kept as the reference the resource_events version must agree with (ResourceEventsTests).
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
-- Matching is case-sensitive (S3 keys are) and uses the index on resources.arn for a literal
-- prefix; CROSS JOIN keeps SQLite reading the matching resources first.
SELECT a.event_time AS time, r.arn AS resource, a.account_id AS account,
       a.origin_type, a.origin_id, a.origin_detail,
       coalesce(a.chain_roles, '(direct)') AS chain,
       replace(a.event_source, '.amazonaws.com', '') || ':' || a.event_name AS event,
       a.error_code AS error, a.event_id
FROM resources r CROSS JOIN event_attribution a ON a.event_rowid = r.event_row
WHERE r.arn GLOB :resource
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\')
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
ORDER BY a.event_ts, a.event_id, r.position;
