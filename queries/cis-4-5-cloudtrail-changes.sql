-- name: cis-4-5-cloudtrail-changes
-- description: CIS 4.5: CloudTrail configuration changes, with who did each
-- report: cis-4.5
-- title: CloudTrail configuration changes
-- severity: high
-- cis: 4.5 (v1.4 to v5.0); 3.5 in v1.2
-- rationale: Stopping or changing a trail blinds the audit; attackers do it first.
-- filter: {($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}
-- param: since time optional Only events at or after this time: ISO-8601, a date, or 90m / 24h / 7d ago
-- param: until time optional Only events before this time
-- param: account text optional Only events in this AWS account
-- example: trail report cis-4-5-cloudtrail-changes --since 24h
SELECT time, account, region, event, error_code AS error, resources, origin_type, origin, origin_detail, chain,
       session, source_ip, event_id
FROM event_findings
WHERE event_name IN ('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging')
  AND (:since IS NULL OR +event_ts >= :since)
  AND (:until IS NULL OR +event_ts < :until)
  AND (:account IS NULL OR account = :account)
ORDER BY +event_ts, event_id;
