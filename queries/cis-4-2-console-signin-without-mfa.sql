-- name: cis-4-2-console-signin-without-mfa
-- description: CIS 4.2: Console sign-in without MFA, with who did each
-- report: cis-4.2
-- title: Console sign-in without MFA
-- severity: high
-- cis: 4.2 (v1.4 to v5.0); 3.2 in v1.2
-- rationale: A password alone guards this IAM user's console; CIS v1.4+ form (IAM users, successful logins). MFAUsed compared case-insensitively (AWS writes Yes and YES).
-- filter: { ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-2-console-signin-without-mfa --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_name = 'ConsoleLogin'
  AND identity_type = 'IAMUser' AND CASE WHEN json_valid(response_elements) THEN json_extract(response_elements, '$.ConsoleLogin') END = 'Success'
  AND lower(coalesce(CASE WHEN json_valid(additional_event_data) THEN json_extract(additional_event_data, '$.MFAUsed') END, '')) <> 'yes'
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
