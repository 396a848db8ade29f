-- name: hygiene-console-login-without-mfa
-- description: Successful console sign-ins of IAM users and root without MFA
-- report: hygiene-console-login-without-mfa
-- title: Console logins without MFA (IAM users and root)
-- severity: high
-- rationale: CIS 4.2 covers IAM users only; a root login without MFA is worse. Identity provider logins (SAML, Identity Center) are left out: their MFA happens at the provider.
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report hygiene-console-login-without-mfa --since 7d
SELECT time, account, region, event, resources, identity_type, actor_arn AS principal, source_ip, user_agent,
       origin_type, origin, origin_detail, chain, session, event_id
FROM event_findings
WHERE event_name = 'ConsoleLogin' AND identity_type IN ('IAMUser', 'Root')
  AND CASE WHEN json_valid(response_elements) THEN json_extract(response_elements, '$.ConsoleLogin') END = 'Success'
  AND lower(coalesce(CASE WHEN json_valid(additional_event_data) THEN json_extract(additional_event_data, '$.MFAUsed') END, '')) <> 'yes'
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
