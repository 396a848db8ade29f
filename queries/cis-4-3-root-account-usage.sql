-- name: cis-4-3-root-account-usage
-- description: CIS 4.3: Root account usage, with who did each
-- report: cis-4.3
-- title: Root account usage
-- severity: high
-- cis: 4.3 (v1.4 to v5.0); 3.3 in v1.2
-- rationale: The root user bypasses IAM policy; any use not made by an AWS service on its behalf needs a reason.
-- filter: {$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-3-root-account-usage --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE session_id IN (SELECT id FROM sessions WHERE identity_type = 'Root')
  AND identity_type = 'Root' AND via_service IS NULL AND coalesce(event_type, '') <> 'AwsServiceEvent'
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
