-- name: failed-assume-role
-- description: Failed AssumeRole calls (SAML, web identity and AssumeRoot too): who tried, which role, why, from where
-- param: role pattern optional Only attempts on this role (name or ARN); * or % are wildcards
-- param: since time optional Only calls at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only calls before this time
-- param: account text optional Only calls recorded in this AWS account
-- example: trail query failed-assume-role --since 7d
-- example: trail query failed-assume-role --role ProdAdmin
-- The +s keep SQLite on the error index (which holds the event name) rather than the name or time index.
WITH attempts AS (
  SELECT a.event_ts, a.event_time AS time, a.account_id AS account, a.event_name AS call,
         a.origin_type, a.origin_id, a.origin_detail,
         CASE WHEN json_valid(a.request_parameters) THEN json_extract(a.request_parameters, '$.roleArn') END AS target_role,
         CASE WHEN json_valid(a.request_parameters) THEN json_extract(a.request_parameters, '$.roleSessionName') END AS session_name,
         a.error_code AS error, a.source_ip_address AS source_ip, a.event_id
  FROM event_attribution a
  WHERE a.event_source = 'sts.amazonaws.com'
    AND +a.event_name IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot')
    AND a.error_code IS NOT NULL
    AND (:since IS NULL OR +a.event_ts >= :since)
    AND (:until IS NULL OR +a.event_ts < :until)
    AND (:account IS NULL OR a.account_id = :account)
)
SELECT time, account, call, origin_type, origin_id, origin_detail, target_role, session_name, error, source_ip, event_id
FROM attempts
WHERE :role IS NULL
   OR target_role LIKE :role ESCAPE '\'
   OR target_role LIKE 'arn:%:role/' || :role ESCAPE '\'
   OR target_role LIKE 'arn:%:role/%/' || :role ESCAPE '\'
ORDER BY +event_ts, event_id;
