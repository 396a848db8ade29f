-- name: console-logins
-- description: Console sign-ins with their outcome, MFA use, source address and attributed identity
-- param: since time optional Only sign-ins at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only sign-ins before this time
-- param: account text optional Only sign-ins to this AWS account
-- param: failed_only bool default false Only sign-ins that failed
-- param: without_mfa bool default false Only sign-ins that did not use MFA
-- example: trail query console-logins --since 7d
-- example: trail query console-logins --without-mfa true
WITH logins AS (
  SELECT a.event_ts, a.event_time AS time, a.account_id AS account, a.origin_type, a.origin_id, a.actor_arn,
         a.source_ip_address AS source_ip,
         coalesce(CASE WHEN json_valid(a.response_elements) THEN json_extract(a.response_elements, '$.ConsoleLogin') END,
                  CASE WHEN a.error_code IS NOT NULL THEN 'Failure' END) AS outcome,
         CASE WHEN json_valid(e.additional_event_data) THEN json_extract(e.additional_event_data, '$.MFAUsed') END AS mfa_used,
         a.error_message AS error, a.event_id
  FROM event_attribution a JOIN events e ON e.id = a.event_rowid
  WHERE a.event_source = 'signin.amazonaws.com' AND a.event_name = 'ConsoleLogin'
    AND (:since IS NULL OR a.event_ts >= :since)
    AND (:until IS NULL OR a.event_ts < :until)
    AND (:account IS NULL OR a.account_id = :account)
)
SELECT time, account, origin_type, origin_id, actor_arn, source_ip, outcome, mfa_used, error, event_id
FROM logins
WHERE (NOT :failed_only OR outcome IS NOT 'Success')
  AND (NOT :without_mfa OR mfa_used IS NOT 'Yes')
ORDER BY event_ts, event_id;
