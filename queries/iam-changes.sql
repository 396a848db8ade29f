-- name: iam-changes
-- description: IAM writes (users, roles, policies, keys) with who made them, through which chain, and on what
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- param: event pattern optional Only this event name; * or % are wildcards, e.g. 'Put*Policy'
-- param: errors_only bool default false Only calls that failed
-- example: trail query iam-changes --since 7d
-- example: trail query iam-changes --event 'Create*'
SELECT a.event_time AS time, a.account_id AS account, a.event_name AS event,
       CASE WHEN json_valid(a.request_parameters) THEN coalesce(
            json_extract(a.request_parameters, '$.roleName'), json_extract(a.request_parameters, '$.userName'),
            json_extract(a.request_parameters, '$.groupName'), json_extract(a.request_parameters, '$.policyArn'),
            json_extract(a.request_parameters, '$.instanceProfileName')) END AS target,
       CASE WHEN json_valid(a.request_parameters) THEN json_extract(a.request_parameters, '$.policyName') END AS policy,
       a.origin_type, a.origin_id, a.origin_detail,
       coalesce(a.chain_roles, '(direct)') AS chain,
       a.error_code AS error, a.event_id
FROM event_attribution a
WHERE a.read_only IS NOT 1  -- lets SQLite read IAM's writes from the partial index of writes
  AND a.event_source = 'iam.amazonaws.com'
  AND (a.read_only = 0 OR (a.read_only IS NULL AND a.event_name NOT GLOB 'Get*' AND a.event_name NOT GLOB 'List*'))
  AND (:since IS NULL OR a.event_ts >= :since)
  AND (:until IS NULL OR a.event_ts < :until)
  AND (:account IS NULL OR a.account_id = :account)
  AND (:event IS NULL OR a.event_name LIKE :event ESCAPE '\')
  AND (NOT :errors_only OR a.error_code IS NOT NULL)
ORDER BY a.event_ts, a.event_id;
