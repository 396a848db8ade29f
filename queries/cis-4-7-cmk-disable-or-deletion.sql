-- name: cis-4-7-cmk-disable-or-deletion
-- description: CIS 4.7: Disabling or scheduled deletion of customer-managed KMS keys, with who did each
-- report: cis-4.7
-- title: Disabling or scheduled deletion of customer-managed KMS keys
-- severity: high
-- cis: 4.7 (v1.4 to v5.0); 3.7 in v1.2
-- rationale: Data encrypted under a deleted key is lost; disabling a key can be sabotage.
-- filter: {($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-7-cmk-disable-or-deletion --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_source = 'kms.amazonaws.com' AND event_name IN ('DisableKey', 'ScheduleKeyDeletion')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
